/**
 * Flood fairness: one socket pipelines 5,000 updates at once on its board while 10 other boards
 * each do paced round trips (an update, then its ack); what those round trips cost during the
 * flood. Drawbridge keeps its default per-connection rate limit here, so most of the flood is
 * refused (RATE_LIMITED), as it should be; the peers have no limit and apply all of it.
 */
import { fileURLToPath } from 'node:url';
import { type Conn, connect } from '../lib/conn.js';
import { generateEdits } from '../lib/edits.js';
import { type RoundTrip, startRoundTrips } from '../lib/roundTrips.js';
import { interleave, metric, now, type Scenario, waitUntil } from '../lib/scenario.js';
import { SERVER_KINDS, type ServerKind, startServer } from '../lib/servers.js';
import { percentile } from '../lib/stats.js';
import { startWorkers, type WorkerIO } from '../lib/workers.js';

const MODULE = fileURLToPath(import.meta.url);
const PROBE_EVERY_MS = 20;
const BASELINE_MS = 1000;

interface FloodParams {
  kind: ServerKind;
  server: { url: string; wsUrl: string };
  round: number;
  floodCount: number;
  probers: number;
}

interface FloodResult {
  /** Worker 0. */
  flood?: { startAt: number; endAt: number; ok: number; refused: number };
  /** Worker 1: round trips as [startAt, ms]. */
  probes?: RoundTrip[];
}

export async function floodClients(p: FloodParams, io: WorkerIO): Promise<FloodResult> {
  const conns: Conn[] = [];
  let failure: Error | null = null;
  const fail = (reason: string) => {
    failure ??= new Error(`${p.kind}: ${reason}`);
  };
  try {
    if (io.index === 0) {
      const edits = generateEdits(p.floodCount, 7, 0xf100d);
      const conn = await connect(p.kind, p.server, `flood-r${p.round}`, { fail });
      conns.push(conn);
      // Servers are measured warm, as they run: the same flood once on a board and socket of
      // its own first (before the probes start), so the measured one meets compiled code.
      const warm = await connect(p.kind, p.server, `flood-warm-r${p.round}`, { fail });
      let answered = 0;
      for (const update of generateEdits(p.floodCount, 8, 0xf100e).updates)
        warm.send(update, () => answered++);
      await waitUntil(
        () => answered === p.floodCount,
        120_000,
        () => `warm-up flood: ${answered} of ${p.floodCount} answered`,
      );
      warm.close();
      await io.barrier('ready');
      await new Promise((resolve) => setTimeout(resolve, BASELINE_MS));
      let ok = 0;
      let refused = 0;
      const startAt = now();
      for (const update of edits.updates) {
        conn.send(update, (error) => {
          if (error === undefined) ok++;
          else refused++;
        });
      }
      await waitUntil(
        () => {
          if (failure) throw failure;
          return ok + refused === p.floodCount;
        },
        120_000,
        () => `flood: ${ok} acked, ${refused} refused of ${p.floodCount}`,
      );
      const flood = { startAt, endAt: now(), ok, refused };
      await io.barrier('flood-done', flood);
      return { flood };
    }
    for (let b = 0; b < p.probers; b++) {
      conns.push(await connect(p.kind, p.server, `probe-${b}-r${p.round}`, { fail }));
    }
    await io.barrier('ready');
    const roundTrips = startRoundTrips(conns, PROBE_EVERY_MS, p.kind, 0x9000);
    await io.barrier('flood-done');
    await roundTrips.stop();
    if (failure) throw failure;
    const probes = roundTrips.trips;
    return { probes };
  } finally {
    for (const conn of conns) conn.close();
  }
}

export const flood: Scenario = {
  name: 'flood',
  title: 'Flood fairness: one socket pipelines 5,000 updates',
  description:
    'One socket sends 5,000 doc updates at once on its board; meanwhile 10 other boards each do ' +
    `a round trip every ${PROBE_EVERY_MS} ms (an update, then its ack; y-websocket: its echo). ` +
    'p99 of the round trips that started during the flood. Drawbridge keeps its default rate ' +
    'limit (200 messages/s per connection), so it refuses most of the flood. Servers are ' +
    'measured warm: the same flood once on another board and socket first, then ' +
    `${BASELINE_MS / 1000} s of round trips alone (the baseline).`,
  supports: SERVER_KINDS,
  async run(ctx) {
    const floodCount = ctx.options.quick ? 2000 : 5000;
    const runs = await interleave(ctx, async (kind, round) => {
      const server = await startServer(kind);
      const group = startWorkers<FloodParams, FloodResult>(2, MODULE, 'floodClients', {
        kind,
        server: { url: server.url, wsUrl: server.wsUrl },
        round,
        floodCount,
        probers: 10,
      });
      try {
        await group.barrier('ready');
        group.release('ready');
        await group.barrier('flood-done');
        group.release('flood-done');
        const [flooder, probers] = await group.results();
        const f = flooder!.flood!;
        const during = probers!
          .probes!.filter(([at]) => at >= f.startAt && at <= f.endAt)
          .map(([, ms]) => ms)
          .sort((a, b) => a - b);
        const before = probers!
          .probes!.filter(([at]) => at < f.startAt)
          .map(([, ms]) => ms)
          .sort((a, b) => a - b);
        return {
          floodMs: f.endAt - f.startAt,
          refused: f.refused,
          ok: f.ok,
          p99: percentile(during, 0.99),
          max: during[during.length - 1] ?? Number.NaN,
          samples: during.length,
          baselineP99: percentile(before, 0.99),
        };
      } finally {
        group.kill();
        await server.destroy();
      }
    });
    const m = [
      metric("other boards' round trip p99 during the flood", 'ms', 'lower', runs, (r) => r.p99),
      metric("other boards' round trip max during the flood", 'ms', 'lower', runs, (r) => r.max),
      metric('time to answer the whole flood', 'ms', 'lower', runs, (r) => r.floodMs),
      metric('flood updates refused', 'count', 'lower', runs, (r) => r.refused),
    ];
    return {
      metrics: m,
      notes: [
        `${floodCount} pipelined updates; round trips sampled during the flood per run: ` +
          runs.map((r) => `${r.kind} ${r.result.samples}`).join(', '),
        'baseline p99 before the flood: ' +
          runs.map((r) => `${r.kind} ${r.result.baselineP99.toFixed(1)} ms`).join(', '),
        'A flood answered quickly leaves few samples: compare the round trip p99 with the flood time.',
      ],
      runs,
    };
  },
};
