/**
 * Reconnect storm: 1,000 clients on 100 boards, each with edits of its own; the server is
 * killed with SIGKILL and started again on the same port and storage. How long from the new
 * server being ready until every client has rejoined and every board converged (each client
 * holds every edit of its board). Then durability with no client left to resync: clients edit
 * at a steady pace, the server is killed mid-stream and restarted, and a fresh reader counts
 * the edits missing, acked (must be 0) and not acked.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { type Conn, connect } from '../lib/conn.js';
import { interleave, metric, now, type Scenario, waitUntil } from '../lib/scenario.js';
import { type ServerKind, startServer, UNLIMITED_RATE, YJS_SERVERS } from '../lib/servers.js';
import { startWorkers, type WorkerIO } from '../lib/workers.js';

const MODULE = fileURLToPath(import.meta.url);
const EDITS_EACH = 3;

interface StormParams {
  kind: ServerKind;
  server: { url: string; wsUrl: string };
  clients: number;
  boards: number;
  phase: 'storm' | 'loss';
  /** loss: milliseconds between a client's edits. */
  editEveryMs: number;
}

interface StormResult {
  /** storm: when this worker's last client had rejoined with its board converged. */
  convergedAt?: number;
  /** storm: this client process's CPU seconds since the drop, sampled: [time, seconds][]. */
  cpuSamples?: [number, number][];
  /** loss: edit keys acked and sent-but-unacked. */
  acked?: string[];
  unacked?: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A client that rejoins by itself, sending what the server lacks on every (re)join. */
class Client {
  readonly doc = new Y.Doc();
  conn: Conn | null = null;
  stopped = false;
  #generation = 0;

  constructor(
    readonly p: StormParams,
    readonly board: string,
    id: number,
  ) {
    this.doc.clientID = 10_000 + id;
  }

  async join(): Promise<void> {
    const generation = ++this.#generation;
    while (!this.stopped) {
      try {
        const conn = await connect(
          this.p.kind,
          this.p.server,
          this.board,
          {
            update: (u) => Y.applyUpdate(this.doc, u),
            fail: () => {
              if (generation !== this.#generation || this.stopped) return;
              this.conn = null;
              void this.join();
            },
          },
          // What the server lacks (after a restart that lost something) goes back as each
          // server's own client sends it.
          { doc: this.doc, clientId: this.doc.clientID, timeoutMs: 10_000 },
        );
        if (conn.initial) Y.applyUpdate(this.doc, conn.initial);
        this.conn = conn;
        return;
      } catch {
        await sleep(100 + Math.random() * 200);
      }
    }
  }

  keys(): number {
    return this.doc.getMap('edits').size;
  }

  close(): void {
    this.stopped = true;
    this.conn?.close();
  }
}

export async function stormClients(p: StormParams, io: WorkerIO): Promise<StormResult> {
  const clients: Client[] = [];
  for (let i = io.index; i < p.clients; i += io.count) {
    clients.push(new Client(p, `${p.phase}-${i % p.boards}`, i));
  }
  const perBoard = p.clients / p.boards;
  try {
    await Promise.all(clients.map((c) => c.join()));
    if (p.phase === 'storm') {
      await Promise.all(
        clients.map(async (c) => {
          for (let e = 0; e < EDITS_EACH; e++) {
            let update: Uint8Array | null = null;
            const capture = (u: Uint8Array, origin: unknown) => {
              if (origin === null) update = u;
            };
            c.doc.on('update', capture);
            c.doc.getMap('edits').set(`${c.doc.clientID}-${e}`, e);
            c.doc.off('update', capture);
            const error = await c.conn!.request(update!);
            if (error !== undefined) throw new Error(`${p.kind}: an edit was refused: ${error}`);
          }
        }),
      );
      const converged = () =>
        clients.every((c) => c.conn !== null && c.keys() === perBoard * EDITS_EACH);
      await waitUntil(converged, 60_000, () => 'boards did not converge before the kill');
      await io.barrier('edited');
      // The server is killed; every client drops and keeps rejoining.
      await waitUntil(
        () => clients.every((c) => c.conn === null),
        30_000,
        () => 'clients saw no drop',
      );
      await io.barrier('dropped');
      const cpu = process.cpuUsage();
      const cpuSamples: [number, number][] = [];
      const sample = () => {
        const spent = process.cpuUsage(cpu);
        cpuSamples.push([now(), (spent.user + spent.system) / 1e6]);
      };
      const sampler = setInterval(sample, 20);
      try {
        await waitUntil(converged, 120_000, () => {
          const behind = clients.filter(
            (c) => c.conn === null || c.keys() !== perBoard * EDITS_EACH,
          );
          return `${behind.length} clients not rejoined and converged`;
        });
      } finally {
        clearInterval(sampler);
      }
      sample();
      return { convergedAt: now(), cpuSamples };
    }
    // loss: steady edits until the server dies; acks recorded.
    await io.barrier('joined');
    const acked: string[] = [];
    const sent = new Set<string>();
    let down = false;
    await Promise.all([
      ...clients.map(async (c, k) => {
        await sleep((k * p.editEveryMs) / clients.length);
        for (let e = 0; !down; e++) {
          const conn = c.conn;
          if (conn === null) break;
          const key = `${c.doc.clientID}-${e}`;
          let update: Uint8Array | null = null;
          const capture = (u: Uint8Array, origin: unknown) => {
            if (origin === null) update = u;
          };
          c.doc.on('update', capture);
          c.doc.getMap('edits').set(key, e);
          c.doc.off('update', capture);
          sent.add(key);
          conn.send(update!, (error) => {
            if (error === undefined && p.kind !== 'y-websocket') acked.push(key);
          });
          await sleep(p.editEveryMs);
        }
      }),
      (async () => {
        await waitUntil(
          () => clients.some((c) => c.conn === null),
          60_000,
          () => 'no drop',
        );
        down = true;
        for (const c of clients) c.close(); // no client left to resync
      })(),
    ]);
    const ackedSet = new Set(acked);
    return { acked, unacked: [...sent].filter((key) => !ackedSet.has(key)) };
  } finally {
    for (const c of clients) c.close();
  }
}

async function fetchKeys(
  kind: ServerKind,
  server: { url: string; wsUrl: string },
  board: string,
): Promise<Set<string>> {
  const conn = await connect(kind, server, board, { fail: () => {} }, { timeoutMs: 30_000 });
  const doc = new Y.Doc();
  if (conn.initial) Y.applyUpdate(doc, conn.initial);
  conn.close();
  return new Set(doc.getMap('edits').keys());
}

export const reconnect: Scenario = {
  name: 'reconnect',
  title: 'Reconnect storm: 1,000 clients on 100 boards, kill -9 and restart',
  description:
    `1,000 clients on 100 boards (${EDITS_EACH} acked edits each, boards converged), then SIGKILL and a ` +
    'restart on the same port and storage: time from the new server ready until every client ' +
    'rejoined and every board converged (clients retry every 100-300 ms and send what the ' +
    "server lacks as each server's own client does), and from the restart " +
    "(process start: a server's own boot included). Then, with clients " +
    'editing every 500 ms and none left to resync after the kill: edits missing on restart.',
  supports: YJS_SERVERS,
  async run(ctx) {
    const clients = ctx.options.quick ? 200 : 1000;
    const boards = clients / 10;
    const runs = await interleave(ctx, async (kind) => {
      const env = kind === 'drawbridge' ? UNLIMITED_RATE : {};
      let server = await startServer(kind, { env });
      const dataDir = server.dataDir;
      const address = { url: server.url, wsUrl: server.wsUrl };
      const port = server.port;
      try {
        // The storm.
        const storm = startWorkers<StormParams, StormResult>(2, MODULE, 'stormClients', {
          kind,
          server: address,
          clients,
          boards,
          phase: 'storm',
          editEveryMs: 0,
        });
        let readyAt = 0;
        try {
          await storm.barrier('edited');
          await server.kill('SIGKILL');
          storm.release('edited');
          await storm.barrier('dropped');
          storm.release('dropped');
          const spawnAt = now();
          server = await startServer(kind, { env, dataDir, port });
          readyAt = now();
          const serverCpu = server.cpuSeconds();
          const results = await storm.results();
          const convergedAt = Math.max(...results.map((r) => r.convergedAt!));
          const rejoinMs = convergedAt - readyAt;
          const fromStartMs = convergedAt - spawnAt;
          const stormServerCpu = server.cpuSeconds() - serverCpu;
          // Each client process's CPU from the first sample at or after ready to its end.
          const stormClientCpu = results.reduce((sum, r) => {
            const samples = r.cpuSamples!;
            const from = samples.find(([at]) => at >= readyAt) ?? samples[samples.length - 1]!;
            return sum + samples[samples.length - 1]![1] - from[1];
          }, 0);

          // Durability with nobody left to resync.
          const loss = startWorkers<StormParams, StormResult>(2, MODULE, 'stormClients', {
            kind,
            server: address,
            clients,
            boards,
            phase: 'loss',
            editEveryMs: 500,
          });
          await loss.barrier('joined');
          loss.release('joined');
          await new Promise((resolve) => setTimeout(resolve, 3000));
          await server.kill('SIGKILL');
          const lost = await loss.results();
          server = await startServer(kind, { env, dataDir, port });
          const stored = new Set<string>();
          for (let b = 0; b < boards; b++) {
            for (const key of await fetchKeys(kind, address, `loss-${b}`)) stored.add(key);
          }
          const acked = lost.flatMap((r) => r.acked!);
          const unacked = lost.flatMap((r) => r.unacked!);
          return {
            rejoinMs,
            fromStartMs,
            stormServerCpu,
            stormClientCpu,
            ackedLost: acked.filter((k) => !stored.has(k)).length,
            acked: acked.length,
            unackedLost: unacked.filter((k) => !stored.has(k)).length,
            unacked: unacked.length,
          };
        } finally {
          storm.kill();
        }
      } finally {
        await server.destroy();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
    return {
      metrics: [
        metric(
          'all rejoined and converged, from server ready',
          'ms',
          'lower',
          runs,
          (r) => r.rejoinMs,
        ),
        metric(
          'all rejoined and converged, from process start',
          'ms',
          'lower',
          runs,
          (r) => r.fromStartMs,
        ),
        {
          ...metric('acked edits lost after kill -9', 'count', 'lower', runs, (r) => r.ackedLost),
          remarks: { 'y-websocket': 'no acks' },
        },
        metric('unacked edits lost after kill -9', 'count', 'lower', runs, (r) => r.unackedLost),
      ],
      notes: runs.map(
        (r) =>
          `${r.kind}: CPU in the storm: server ${r.result.stormServerCpu.toFixed(2)} s, client ` +
          `processes ${r.result.stormClientCpu.toFixed(2)} s (from ready until converged)` +
          `; ${r.result.ackedLost} of ${r.result.acked} acked and ` +
          `${r.result.unackedLost} of ${r.result.unacked} unacked edits lost`,
      ),
      runs,
    };
  },
};
