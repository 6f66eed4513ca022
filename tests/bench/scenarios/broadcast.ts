/**
 * Orchestrator side of the one-writer scenarios: a fresh server per run, client processes
 * running broadcastClients.ts, the server's CPU time read between the 'warm' and 'done'
 * barriers (the measured phase).
 */
import { fileURLToPath } from 'node:url';
import { type ServerKind, startServer, UNLIMITED_RATE } from '../lib/servers.js';
import { startWorkers } from '../lib/workers.js';
import type { BroadcastParams, BroadcastResult } from './broadcastClients.js';

export const CLIENTS_MODULE = fileURLToPath(new URL('./broadcastClients.ts', import.meta.url));

export interface BroadcastRun {
  kind: ServerKind;
  results: BroadcastResult[];
  serverCpuSeconds: number;
  /** First measured send to the last delivery at the last reader. */
  elapsedMs: number;
  edits: number;
  /** Warm-up included: what the frame counts cover. */
  totalEdits: number;
  readers: number;
}

export async function runBroadcast(
  kind: ServerKind,
  params: Omit<BroadcastParams, 'kind' | 'server'>,
  workers: number,
): Promise<BroadcastRun> {
  // Drawbridge's per-connection rate limit would cap the writer: measured as a relay here.
  const server = await startServer(kind, { env: kind === 'drawbridge' ? UNLIMITED_RATE : {} });
  const group = startWorkers<BroadcastParams, BroadcastResult>(
    workers,
    CLIENTS_MODULE,
    'broadcastClients',
    {
      ...params,
      kind,
      server: { url: server.url, wsUrl: server.wsUrl },
    },
  );
  try {
    await group.barrier('joined');
    group.release('joined');
    await group.barrier('warm');
    const cpuBefore = server.cpuSeconds();
    group.release('warm');
    await group.barrier('done');
    const cpuAfter = server.cpuSeconds();
    group.release('done');
    const results = await group.results();
    const startAt = results[0]!.startAt!;
    const lastAt = Math.max(...results.map((r) => r.lastDeliveryAt));
    return {
      kind,
      results,
      serverCpuSeconds: cpuAfter - cpuBefore,
      elapsedMs: lastAt - startAt,
      edits: params.count,
      totalEdits: params.warmup + params.count,
      readers: params.readers,
    };
  } finally {
    group.kill();
    await server.destroy();
  }
}
