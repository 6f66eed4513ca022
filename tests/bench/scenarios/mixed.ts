/**
 * Mixed event-loop load, Drawbridge only (the peers have no previews): while 20 boards are
 * edited at a steady pace, a client edits a 10,000-shape board and fetches its preview.png in a
 * loop (each edit invalidates the cached preview), and another keeps cold-loading 10,000-shape
 * boards from storage (they unload 1 s after their joiner leaves). What `/healthz` and the
 * edited boards' round trips cost meanwhile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { type Conn, connect } from '../lib/conn.js';
import { interleave, metric, now, type Scenario } from '../lib/scenario.js';
import { sceneUpdate } from '../lib/scene.js';
import { startServer, UNLIMITED_RATE } from '../lib/servers.js';
import { median, percentile } from '../lib/stats.js';
import { startWorkers, type WorkerIO } from '../lib/workers.js';

const MODULE = fileURLToPath(import.meta.url);
const EDITED_BOARDS = 20;
const EDITS_PER_SECOND = 10;
const HEALTH_EVERY_MS = 20;

interface MixedParams {
  server: { url: string; wsUrl: string };
  seconds: number;
  coldBoards: number;
}

interface MixedResult {
  roundTrips?: number[];
  health?: number[];
  previews?: number[];
  coldLoads?: number[];
}

/** A client that makes a fresh small edit each call (its own clientID). */
function editor(clientId: number) {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  let n = 0;
  return () => {
    let update: Uint8Array | null = null;
    const capture = (u: Uint8Array) => {
      update = u;
    };
    doc.on('update', capture);
    doc.getMap('meta').set('name', `edit ${n++}`);
    doc.off('update', capture);
    return update!;
  };
}

async function loopFor(until: number, body: () => Promise<void>, everyMs = 0): Promise<void> {
  while (now() < until) {
    const started = now();
    await body();
    const wait = started + everyMs - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

export async function mixedClients(p: MixedParams, io: WorkerIO): Promise<MixedResult> {
  const conns: Conn[] = [];
  const fail = (reason: string) => {
    throw new Error(reason);
  };
  try {
    if (io.index === 0) {
      const boards = await Promise.all(
        Array.from({ length: EDITED_BOARDS }, async (_, b) => {
          const conn = await connect('drawbridge', p.server, `edited-${b}`, { fail: () => {} });
          conns.push(conn);
          return { conn, next: editor(0x7000 + b) };
        }),
      );
      const until = ((await io.barrier('ready')) as number) + p.seconds * 1000;
      const roundTrips: number[] = [];
      const health: number[] = [];
      await Promise.all([
        ...boards.map(({ conn, next }) =>
          loopFor(
            until,
            async () => {
              const started = now();
              const error = await conn.request(next());
              if (error !== undefined) fail(`an edit was refused: ${error}`);
              roundTrips.push(now() - started);
            },
            1000 / EDITS_PER_SECOND,
          ),
        ),
        loopFor(
          until,
          async () => {
            const started = now();
            const response = await fetch(`${p.server.url}/healthz`);
            await response.arrayBuffer();
            if (!response.ok) fail(`/healthz answered ${response.status}`);
            health.push(now() - started);
          },
          HEALTH_EVERY_MS,
        ),
      ]);
      return { roundTrips, health };
    }
    const previewConn = await connect('drawbridge', p.server, 'preview-big', { fail: () => {} });
    conns.push(previewConn);
    const next = editor(0x7100);
    const until = ((await io.barrier('ready')) as number) + p.seconds * 1000;
    const previews: number[] = [];
    const coldLoads: number[] = [];
    let k = 0;
    await Promise.all([
      loopFor(until, async () => {
        const error = await previewConn.request(next());
        if (error !== undefined) fail(`a preview board edit was refused: ${error}`);
        const started = now();
        const response = await fetch(`${p.server.url}/b/preview-big/preview.png`);
        const body = await response.arrayBuffer();
        if (!response.ok || body.byteLength === 0) fail(`preview.png answered ${response.status}`);
        previews.push(now() - started);
      }),
      loopFor(until, async () => {
        const started = now();
        const conn = await connect(
          'drawbridge',
          p.server,
          `cold-${k++ % p.coldBoards}`,
          { fail: () => {} },
          { timeoutMs: 60_000 },
        );
        conn.close();
        coldLoads.push(now() - started);
      }),
    ]);
    return { previews, coldLoads };
  } finally {
    for (const conn of conns) conn.close();
  }
}

export const mixed: Scenario = {
  name: 'mixed',
  title: 'Mixed event-loop load (Drawbridge only)',
  description:
    `${EDITED_BOARDS} boards edited ${EDITS_PER_SECOND} times a second each; meanwhile one client edits a ` +
    '10,000-shape board and fetches its preview.png in a loop, another cold-loads 10,000-shape ' +
    `boards from storage one after another, and /healthz is polled every ${HEALTH_EVERY_MS} ms.`,
  supports: ['drawbridge'],
  async run(ctx) {
    const seconds = ctx.options.quick ? 4 : 10;
    const coldBoards = 4;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-mixed-'));
    try {
      const big = sceneUpdate(10_000);
      const seeding = await startServer('drawbridge', { dataDir: dir, env: UNLIMITED_RATE });
      try {
        for (const board of [
          'preview-big',
          ...Array.from({ length: coldBoards }, (_, i) => `cold-${i}`),
        ]) {
          const conn = await connect('drawbridge', seeding, board, { fail: () => {} });
          const error = await conn.request(big);
          conn.close();
          if (error !== undefined) throw new Error(`seeding ${board} was refused: ${error}`);
        }
      } finally {
        await seeding.kill('SIGTERM');
      }
      const runs = await interleave(ctx, async () => {
        const server = await startServer('drawbridge', {
          dataDir: dir,
          env: { IDLE_UNLOAD_MS: '1000' },
        });
        const group = startWorkers<MixedParams, MixedResult>(2, MODULE, 'mixedClients', {
          server: { url: server.url, wsUrl: server.wsUrl },
          seconds,
          coldBoards,
        });
        try {
          await group.barrier('ready');
          group.release('ready', now() + 100);
          const [a, b] = await group.results();
          const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);
          const health = sorted(a!.health!);
          const trips = sorted(a!.roundTrips!);
          return {
            healthP99: percentile(health, 0.99),
            healthMax: health[health.length - 1]!,
            roundTripP99: percentile(trips, 0.99),
            previews: b!.previews!.length,
            previewMedian: median(b!.previews!),
            coldLoads: b!.coldLoads!.length,
            coldLoadMedian: median(b!.coldLoads!),
          };
        } finally {
          group.kill();
          await server.kill('SIGTERM');
        }
      });
      return {
        metrics: [
          metric('/healthz p99', 'ms', 'lower', runs, (r) => r.healthP99),
          metric('/healthz max', 'ms', 'lower', runs, (r) => r.healthMax),
          metric("edited boards' round trip p99", 'ms', 'lower', runs, (r) => r.roundTripP99),
          metric(
            'preview.png of 10,000 shapes (median)',
            'ms',
            'lower',
            runs,
            (r) => r.previewMedian,
          ),
          metric(
            'cold load of 10,000 shapes (median)',
            'ms',
            'lower',
            runs,
            (r) => r.coldLoadMedian,
          ),
        ],
        notes: [
          `${seconds} s per run; previews and cold loads done per run: ` +
            runs.map((r) => `${r.result.previews} / ${r.result.coldLoads}`).join(', '),
          'Targets of issue 8: /healthz and round trips under 50 ms p99.',
        ],
        runs,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
