/**
 * Orchestrator side of the one-writer scenarios: a fresh server per run, client processes
 * running broadcastClients.ts, the server's CPU time read between the 'warm' and 'done'
 * barriers (the measured phase).
 */
import { fileURLToPath } from 'node:url';
import { type Series, scrapeMetrics, seriesDelta, sumOf } from '../lib/clusterStats.js';
import { type MachineCpu, machineCpuDelta, readMachineCpu } from '../lib/machineCpu.js';
import { type ServerKind, startServer, UNLIMITED_RATE } from '../lib/servers.js';
import { startWorkers } from '../lib/workers.js';
import type { BroadcastParams, BroadcastResult } from './broadcastClients.js';

export const CLIENTS_MODULE = fileURLToPath(new URL('./broadcastClients.ts', import.meta.url));

export interface BroadcastRun {
  kind: ServerKind;
  results: BroadcastResult[];
  serverCpuSeconds: number;
  /** The whole machine's CPU over the measured phase (every process), where it can be read. */
  machineCpu: MachineCpu | null;
  /** First measured send to the last delivery at the last reader. */
  elapsedMs: number;
  edits: number;
  /** Warm-up included: what the frame counts cover. */
  totalEdits: number;
  readers: number;
  /** Drawbridge: its storage commits in the measured phase, from its /metrics. */
  commits?: CommitStats;
}

/** A server's group commits over a phase (Drawbridge's `drawbridge_storage_commit_*`). */
export interface CommitStats {
  commits: number;
  records: number;
  /** Sum of the commits' round trips (queue to answer, fsync included). */
  seconds: number;
}

function commitStats(delta: Series): CommitStats {
  return {
    commits: sumOf(delta, 'drawbridge_storage_commit_seconds_count'),
    records: sumOf(delta, 'drawbridge_storage_commit_records_sum'),
    seconds: sumOf(delta, 'drawbridge_storage_commit_seconds_sum'),
  };
}

/** What the orchestrator reads around the measured phase; the clients wait meanwhile. */
export interface BroadcastHooks {
  /** Every client has joined; the warm-up starts once this resolves. */
  afterJoined?(): Promise<void> | void;
  /** Every reader has the warm-up; the measured phase starts once this resolves. */
  beforeMeasured?(): Promise<void> | void;
  /** Every reader has every edit (and the writer every ack); the clients then verify. */
  afterMeasured?(): Promise<void> | void;
}

/** Runs the clients of one broadcast against servers already started. */
export async function driveBroadcast(
  params: BroadcastParams,
  workers: number,
  hooks: BroadcastHooks = {},
): Promise<{ results: BroadcastResult[]; elapsedMs: number }> {
  const group = startWorkers<BroadcastParams, BroadcastResult>(
    workers,
    CLIENTS_MODULE,
    'broadcastClients',
    params,
  );
  try {
    await group.barrier('joined');
    await hooks.afterJoined?.();
    group.release('joined');
    await group.barrier('warm');
    await hooks.beforeMeasured?.();
    group.release('warm');
    await group.barrier('done');
    await hooks.afterMeasured?.();
    group.release('done');
    const results = await group.results();
    const startAt = results[0]!.startAt!;
    const lastAt = Math.max(...results.map((r) => r.lastDeliveryAt));
    return { results, elapsedMs: lastAt - startAt };
  } finally {
    group.kill();
  }
}

export async function runBroadcast(
  kind: ServerKind,
  params: Omit<BroadcastParams, 'kind' | 'server'>,
  workers: number,
  options: { commitStats?: boolean } = {},
): Promise<BroadcastRun> {
  // Drawbridge's per-connection rate limit would cap the writer: measured as a relay here.
  const server = await startServer(kind, { env: kind === 'drawbridge' ? UNLIMITED_RATE : {} });
  try {
    let cpuBefore = 0;
    let cpuAfter = 0;
    let machineBefore: MachineCpu | null = null;
    let machineAfter: MachineCpu | null = null;
    // Drawbridge's commit counters around the measured phase, when the scenario reports them:
    // scraped before the CPU reading that starts it and after the one that ends it, so the
    // scrapes cost no measured CPU. Only then: a scrape is work the peers are not asked to do.
    const scrape = () =>
      kind === 'drawbridge' && options.commitStats ? scrapeMetrics(server.url) : null;
    let metricsBefore: Series | null = null;
    let metricsAfter: Series | null = null;
    const { results, elapsedMs } = await driveBroadcast(
      { ...params, kind, server: { url: server.url, wsUrl: server.wsUrl } },
      workers,
      {
        // Once before the warm-up, unused: a server's first /metrics runs cold code (20-30 ms
        // on the event loop, and the garbage it leaves), which belongs in the warm-up, not at
        // the measured phase's start.
        afterJoined: async () => {
          await scrape();
        },
        beforeMeasured: async () => {
          metricsBefore = await scrape();
          cpuBefore = server.cpuSeconds();
          machineBefore = readMachineCpu();
        },
        afterMeasured: async () => {
          machineAfter = readMachineCpu();
          cpuAfter = server.cpuSeconds();
          metricsAfter = await scrape();
        },
      },
    );
    const commits =
      metricsBefore && metricsAfter ? commitStats(seriesDelta(metricsBefore, metricsAfter)) : null;
    return {
      kind,
      results,
      serverCpuSeconds: cpuAfter - cpuBefore,
      machineCpu:
        machineBefore && machineAfter ? machineCpuDelta(machineBefore, machineAfter) : null,
      elapsedMs,
      edits: params.count,
      totalEdits: params.warmup + params.count,
      readers: params.readers,
      ...(commits ? { commits } : {}),
    };
  } finally {
    await server.destroy();
  }
}
