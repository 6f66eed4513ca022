/**
 * Idle capacity: 5,000 connections over 500 boards, each joined (synced) and then left idle.
 * Server memory per idle connection (resident set after, minus before, over the connections)
 * and connects per second (connect + join, 100 in flight per client process).
 *
 * Memory is read twice: 1.5 s after the last join, when the resident set still holds what the
 * connect burst left behind, and after 20 s idle, which is what an idle server holds. A garbage-
 * collected server gives back its burst's garbage only when its collector next compacts the old
 * generation (V8's memory reducer does that some 8 s after allocation stops), so the two differ
 * by however much a server's burst left as garbage, and the idle figure is the one to compare.
 */
import { fileURLToPath } from 'node:url';
import { type Conn, connect, socketIoClient } from '../lib/conn.js';
import { interleave, metric, now, type Scenario } from '../lib/scenario.js';
import { SERVER_KINDS, type ServerKind, startServer } from '../lib/servers.js';
import { startWorkers, type WorkerIO } from '../lib/workers.js';

const MODULE = fileURLToPath(import.meta.url);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const IN_FLIGHT = 100;
/** When the burst's figure is read, after the last join. */
const SETTLE_MS = 1500;
/** How long the connections then stay idle before the idle figure is read (quick: shorter). */
const IDLE_MS = 20_000;
const QUICK_IDLE_MS = 3000;
/** The resident set is sampled this often while idle (the samples go to the notes). */
const SAMPLE_MS = 1000;

interface IdleParams {
  kind: ServerKind;
  server: { url: string; wsUrl: string };
  connections: number;
  boards: number;
  round: number;
}

export async function idleClients(
  p: IdleParams,
  io: WorkerIO,
): Promise<{ startAt: number; endAt: number; opened: number }> {
  const ids: number[] = [];
  for (let i = io.index; i < p.connections; i += io.count) ids.push(i);
  const conns: Conn[] = [];
  let failure: Error | null = null;
  const fail = (reason: string) => {
    failure ??= new Error(`${p.kind}: ${reason}`);
  };
  await io.barrier('ready');
  const startAt = now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < ids.length) {
        const i = ids[next++]!;
        conns.push(
          await connect(
            p.kind,
            p.server,
            `idle-${i % p.boards}-r${p.round}`,
            { fail },
            { timeoutMs: 30_000 },
          ),
        );
      }
    }),
  );
  const endAt = now();
  await io.barrier('connected');
  // The orchestrator reads the server's memory, then releases 'measured'.
  await io.barrier('measured');
  for (const conn of conns) conn.close();
  if (failure) throw failure;
  return { startAt, endAt, opened: conns.length };
}

export const idle: Scenario = {
  name: 'idle',
  title: 'Idle capacity: 5,000 connections over 500 boards',
  description:
    'Connections opened 100 at a time per client process (2 processes), each joining (syncing) ' +
    "one of 500 boards, then left idle. Memory per idle connection = growth of the server's " +
    `resident set over the connections, after ${IDLE_MS / 1000} s idle (and, as a second figure, ` +
    `${SETTLE_MS / 1000} s after the last join, with the connect burst's garbage still held); ` +
    'connects per second = connections over the time to open and join them all.',
  supports: SERVER_KINDS,
  async run(ctx) {
    const connections = ctx.options.quick ? 1000 : 5000;
    const boards = connections / 10;
    const idleMs = ctx.options.quick ? QUICK_IDLE_MS : IDLE_MS;
    const runs = await interleave(ctx, async (kind, round) => {
      const server = await startServer(kind);
      const group = startWorkers<IdleParams, { startAt: number; endAt: number; opened: number }>(
        2,
        MODULE,
        'idleClients',
        { kind, server: { url: server.url, wsUrl: server.wsUrl }, connections, boards, round },
      );
      try {
        await group.barrier('ready');
        // Let the fresh server settle (lazy initialisation) before the baseline.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const before = server.rssBytes();
        const cpuBefore = server.cpuSeconds();
        group.release('ready');
        await group.barrier('connected');
        const cpuConnecting = server.cpuSeconds() - cpuBefore;
        group.release('connected');
        const connectedAt = performance.now();
        const kbPer = (rss: number) => (rss - before) / 1024 / connections;
        await sleep(SETTLE_MS);
        const afterBurst = server.rssBytes();
        const trail: number[] = [];
        for (let at = SETTLE_MS + SAMPLE_MS; at < idleMs; at += SAMPLE_MS) {
          await sleep(connectedAt + at - performance.now());
          trail.push(kbPer(server.rssBytes()));
        }
        await sleep(connectedAt + idleMs - performance.now());
        const after = server.rssBytes();
        trail.push(kbPer(after));
        await group.barrier('measured');
        group.release('measured');
        const results = await group.results();
        const opened = results.reduce((sum, r) => sum + r.opened, 0);
        if (opened !== connections)
          throw new Error(`${kind}: ${opened} of ${connections} connections opened`);
        const elapsed =
          Math.max(...results.map((r) => r.endAt)) - Math.min(...results.map((r) => r.startAt));
        return {
          kbPerConnection: kbPer(after),
          kbAfterBurst: kbPer(afterBurst),
          idleTrail: trail,
          connectsPerSecond: (connections / elapsed) * 1000,
          cpuPerConnectUs: (cpuConnecting * 1e6) / connections,
          rssBeforeMiB: before / 2 ** 20,
          rssAfterMiB: after / 2 ** 20,
        };
      } finally {
        group.kill();
        await server.destroy();
      }
    });
    return {
      metrics: [
        metric('memory per idle connection', 'kb', 'lower', runs, (r) => r.kbPerConnection),
        metric(
          `memory per connection ${SETTLE_MS / 1000} s after the burst`,
          'kb',
          'lower',
          runs,
          (r) => r.kbAfterBurst,
        ),
        metric('connects per second', 'per-s', 'higher', runs, (r) => r.connectsPerSecond),
        metric('server CPU per connect', 'us', 'lower', runs, (r) => r.cpuPerConnectUs),
      ],
      notes: [
        'Connects per second include the clients: on a small machine the client processes share ' +
          'its cores with the server, so a heavier client lowers it; server CPU per connect ' +
          '(connect, join, answer) is the server alone. ' +
          (socketIoClient() === 'wire'
            ? "Drawbridge's and the Socket.IO relay's clients speak Socket.IO over a bare ws " +
              "socket, like the peers' clients (BENCH_SOCKETIO_CLIENT=library: socket.io-client)."
            : 'Drawbridge and the Socket.IO relay are measured with socket.io-client.'),
        `${connections} connections over ${boards} boards; resident set before -> after (MiB): ` +
          runs
            .map(
              (r) =>
                `${r.kind} ${r.result.rssBeforeMiB.toFixed(0)} -> ${r.result.rssAfterMiB.toFixed(0)}`,
            )
            .join(', '),
        `Resident set growth per connection while idle, KB, every ${SAMPLE_MS / 1000} s from ` +
          `${(SETTLE_MS + SAMPLE_MS) / 1000} s after the last join (first round): ` +
          runs
            .filter((r) => r.round === 0)
            .map((r) => `${r.kind} ${r.result.idleTrail.map((kb) => kb.toFixed(1)).join(' ')}`)
            .join('; '),
      ],
      runs,
    };
  },
};
