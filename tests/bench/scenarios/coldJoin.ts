/**
 * Cold join of a 10,000-shape board from storage: the server has just started and the board is
 * only on disk. One joiner alone, then (on a fresh start) 50 at once; from the first connect to
 * the board in the joiner's document, which must then hold all 10,000 shapes.
 *
 * Storage per server: Drawbridge its SQLite file (seeded through a real server, then stopped);
 * Hocuspocus and y-websocket the files their `onLoadDocument` / `bindState` read
 * (peers/servers/*.mjs).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '../lib/conn.js';
import { interleave, metric, now, type Scenario } from '../lib/scenario.js';
import { sceneUpdate, shapeCount } from '../lib/scene.js';
import { type ServerKind, startServer, UNLIMITED_RATE, YJS_SERVERS } from '../lib/servers.js';
import { percentile } from '../lib/stats.js';
import { startWorkers, type WorkerIO } from '../lib/workers.js';

const MODULE = fileURLToPath(import.meta.url);
const BOARD = 'big';

interface JoinParams {
  kind: ServerKind;
  server: { url: string; wsUrl: string };
  joiners: number;
  shapes: number;
}

export async function joinClients(p: JoinParams, io: WorkerIO): Promise<number[]> {
  const mine = Math.floor(p.joiners / io.count) + (io.index < p.joiners % io.count ? 1 : 0);
  await io.barrier('ready');
  const times = await Promise.all(
    Array.from({ length: mine }, async () => {
      const startAt = now();
      const conn = await connect(
        p.kind,
        p.server,
        BOARD,
        { fail: () => {} },
        { timeoutMs: 60_000 },
      );
      const update = conn.initial!;
      const ms = now() - startAt;
      conn.close();
      return { ms, update };
    }),
  );
  // Checked after timing, so one joiner's check does not delay the others.
  for (const { update } of times) {
    const count = shapeCount(update);
    if (count !== p.shapes)
      throw new Error(`${p.kind}: a joiner got ${count} of ${p.shapes} shapes`);
  }
  return times.map((t) => t.ms);
}

async function seed(kind: ServerKind, dir: string, update: Uint8Array): Promise<void> {
  const file = path.join(dir, `${encodeURIComponent(BOARD)}.bin`);
  if (kind === 'hocuspocus') return writeFileSync(file, update);
  if (kind === 'y-websocket') {
    const header = Buffer.alloc(4);
    header.writeUInt32LE(update.byteLength);
    return writeFileSync(file, Buffer.concat([header, update]));
  }
  const server = await startServer('drawbridge', { dataDir: dir, env: UNLIMITED_RATE });
  try {
    const conn = await connect(kind, server, BOARD, { fail: () => {} });
    const error = await conn.request(update);
    conn.close();
    if (error !== undefined) throw new Error(`seeding the board was refused: ${error}`);
  } finally {
    await server.kill('SIGTERM'); // flushes and closes the database
  }
}

async function measure(
  kind: ServerKind,
  dir: string,
  joiners: number,
  shapes: number,
): Promise<number[]> {
  const server = await startServer(kind, { dataDir: dir });
  const group = startWorkers<JoinParams, number[]>(joiners > 1 ? 2 : 1, MODULE, 'joinClients', {
    kind,
    server: { url: server.url, wsUrl: server.wsUrl },
    joiners,
    shapes,
  });
  try {
    await group.barrier('ready');
    group.release('ready');
    return (await group.results()).flat().sort((a, b) => a - b);
  } finally {
    group.kill();
    await server.kill('SIGTERM');
  }
}

export const coldJoin: Scenario = {
  name: 'cold-join',
  title: 'Cold join of a 10,000-shape board',
  description:
    'A 10,000-shape board (2.2 MB as one Yjs update) only in storage, the server just started: ' +
    'one joiner alone, then on a fresh start 50 joiners at once. Time from connect to the whole ' +
    'board in the joiner; every joiner checks it got all 10,000 shapes.',
  supports: YJS_SERVERS,
  async run(ctx) {
    const shapes = 10_000;
    const many = ctx.options.quick ? 20 : 50;
    const update = sceneUpdate(shapes);
    const dirs = new Map<ServerKind, string>();
    try {
      for (const kind of ctx.servers) {
        const dir = mkdtempSync(path.join(os.tmpdir(), `bench-cold-${kind}-`));
        dirs.set(kind, dir);
        await seed(kind, dir, update);
      }
      const runs = await interleave(ctx, async (kind) => {
        const one = await measure(kind, dirs.get(kind)!, 1, shapes);
        const all = await measure(kind, dirs.get(kind)!, many, shapes);
        return { one: one[0]!, p95: percentile(all, 0.95), max: all[all.length - 1]! };
      });
      return {
        metrics: [
          metric('1 joiner: synced', 'ms', 'lower', runs, (r) => r.one),
          metric(`${many} joiners at once: p95`, 'ms', 'lower', runs, (r) => r.p95),
          metric(`${many} joiners at once: last synced`, 'ms', 'lower', runs, (r) => r.max),
        ],
        notes: [
          'Peers load from the files their documented hooks read; Drawbridge from its SQLite file.',
        ],
        runs,
      };
    } finally {
      for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
    }
  },
};
