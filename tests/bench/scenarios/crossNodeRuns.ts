/**
 * The runs of the cross-node scenario (crossNode.ts): the setups (one node, or two over Redis),
 * each workload on nodes of its own, and what each run measured.
 */
import { rmSync } from 'node:fs';
import type { PostgresServer } from '../../utils/postgres.js';
import type { RedisServer } from '../../utils/redis.js';
import { tempDir } from '../../utils/server.js';
import {
  histogramQuantile,
  type RedisCounters,
  type RedisInfo,
  redisDelta,
  type Series,
  scrapeMetrics,
  seriesDelta,
  sumOf,
} from '../lib/clusterStats.js';
import type { ServerAddress } from '../lib/conn.js';
import { oneWayLatencies } from '../lib/oneWay.js';
import {
  type ServerKind,
  type ServerProcess,
  startServer,
  UNLIMITED_RATE,
} from '../lib/servers.js';
import { percentile } from '../lib/stats.js';
import { driveBroadcast } from './broadcast.js';
import type { BroadcastParams, BroadcastResult } from './broadcastClients.js';

export const READERS = 50;
const WORKERS = 2;
export const RATE = 500;

export type Layout = 1 | 2;

export interface Infra {
  pg: PostgresServer | undefined;
  redis: RedisServer;
  info: RedisInfo;
  setups: number;
}

interface Setup {
  kind: ServerKind;
  layout: Layout;
  /** Node A (the writer's) first. */
  nodes: ServerProcess[];
  destroy(): Promise<void>;
}

async function startSetup(kind: ServerKind, layout: Layout, infra: Infra): Promise<Setup> {
  const tag = `xnode_${++infra.setups}`;
  const nodeIds = ['node-a', 'node-b'].slice(0, layout);
  let env: (nodeId: string) => Record<string, string>;
  let shared: string | undefined;
  if (kind === 'drawbridge') {
    const database = await infra.pg!.createDatabase(tag);
    env = (nodeId) => ({
      ...UNLIMITED_RATE,
      DATABASE_URL: database,
      // The board stays loaded between the warm-up and the measured phase.
      IDLE_UNLOAD_MS: '600000',
      ...(layout === 2 ? { REDIS_URL: infra.redis.url, NODE_ID: nodeId } : {}),
    });
  } else {
    // Hocuspocus stores files in DATA_DIR: both nodes share one, as they would a database.
    shared = tempDir(`bench-${kind}-${tag}-`);
    env = (nodeId): Record<string, string> =>
      layout === 2 ? { REDIS_URL: infra.redis.url, NODE_ID: nodeId } : {};
  }
  const started = await Promise.allSettled(
    nodeIds.map((nodeId) =>
      startServer(kind, { env: env(nodeId), ...(shared ? { dataDir: shared } : {}) }),
    ),
  );
  const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const destroy = async () => {
    await Promise.all(nodes.map((n) => n.destroy()));
    if (shared) rmSync(shared, { recursive: true, force: true });
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await destroy();
    throw failed.reason;
  }
  return { kind, layout, nodes, destroy };
}

interface Phase {
  results: BroadcastResult[];
  elapsedMs: number;
  edits: number;
  /** Per node: CPU seconds in the measured phase, readers served. */
  cpuSeconds: number[];
  readersOn: number[];
  /** Two nodes: what Redis counted in the measured phase. */
  redis?: RedisCounters;
  /** Drawbridge: each node's metrics over the measured phase. */
  metrics?: Series[];
}

const address = (node: ServerProcess): ServerAddress => ({ url: node.url, wsUrl: node.wsUrl });

async function runPhase(
  setup: Setup,
  infra: Infra,
  params: Omit<BroadcastParams, 'kind' | 'server' | 'readerServers' | 'readers'>,
): Promise<Phase> {
  const { kind, nodes, layout } = setup;
  const nodeA = nodes[0]!;
  const nodeB = nodes[layout - 1]!;
  const scrape = () =>
    kind === 'drawbridge' ? Promise.all(nodes.map((n) => scrapeMetrics(n.url))) : null;
  let cpuBefore: number[] = [];
  let cpuAfter: number[] = [];
  let redisBefore: RedisCounters | undefined;
  let redisAfter: RedisCounters | undefined;
  let metricsBefore: Series[] | null = null;
  let metricsAfter: Series[] | null = null;
  const { results, elapsedMs } = await driveBroadcast(
    {
      ...params,
      kind,
      readers: READERS,
      server: address(nodeA),
      readerServers: [address(nodeA), address(nodeB)],
    },
    WORKERS,
    {
      // A first scrape runs cold code on each node (20-30 ms on its event loop): in the
      // warm-up, not at the measured phase's start.
      async afterJoined() {
        await scrape();
      },
      // Counters first, CPU last before the phase; CPU first after it: reading the counters
      // (a /metrics scrape) is not part of the measured CPU.
      async beforeMeasured() {
        metricsBefore = await scrape();
        if (layout === 2) redisBefore = await infra.info.read();
        cpuBefore = nodes.map((n) => n.cpuSeconds());
      },
      async afterMeasured() {
        cpuAfter = nodes.map((n) => n.cpuSeconds());
        if (layout === 2) redisAfter = await infra.info.read();
        metricsAfter = await scrape();
      },
    },
  );
  const readersOn = nodes.map(() => 0);
  results.forEach((r, worker) => {
    readersOn[layout === 2 ? worker % 2 : 0]! += r.readers;
  });
  return {
    results,
    elapsedMs,
    edits: params.count,
    cpuSeconds: cpuAfter.map((after, i) => after - cpuBefore[i]!),
    readersOn,
    ...(redisBefore && redisAfter ? { redis: redisDelta(redisBefore, redisAfter) } : {}),
    ...(metricsBefore && metricsAfter
      ? {
          metrics: (metricsAfter as Series[]).map((after, i) =>
            seriesDelta(metricsBefore![i]!, after),
          ),
        }
      : {}),
  };
}

export interface LatencyFigures {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

function latencyOf(samples: number[]): LatencyFigures {
  samples.sort((a, b) => a - b);
  return {
    p50: percentile(samples, 0.5),
    p99: percentile(samples, 0.99),
    max: samples[samples.length - 1] ?? Number.NaN,
    samples: samples.length,
  };
}

/** Latency over every reader, and over each client process's readers. */
function latencies(phase: Phase): { all: LatencyFigures; byWorker: LatencyFigures[] } {
  const sentAt = phase.results[0]!.sentAt!;
  const byWorker = phase.results.map((result) => oneWayLatencies(sentAt, result.receivedAt!));
  return { all: latencyOf(byWorker.flat()), byWorker: byWorker.map(latencyOf) };
}

/** What a Drawbridge node's metrics say about its bus traffic, per measured edit. */
export interface BusFigures {
  /** Messages out per edit, by type. */
  out: Record<string, number>;
  /** Messages in per edit, by type. */
  in: Record<string, number>;
  bytesOutPerEdit: number;
  bytesInPerEdit: number;
  publishP99Ms: number;
  publishMeanMs: number;
  gapsRepaired: number;
  recordsRepaired: number;
  adopted: number;
}

const MESSAGE_TYPES = ['update', 'commit', 'awareness', 'query', 'heartbeat', 'bye'] as const;

function busFigures(series: Series, edits: number): BusFigures {
  const byType = (direction: string) =>
    Object.fromEntries(
      MESSAGE_TYPES.map((type) => [
        type,
        sumOf(series, 'drawbridge_cluster_messages_total', { direction, type }) / edits,
      ]).filter(([, n]) => (n as number) > 0),
    );
  const count = sumOf(series, 'drawbridge_redis_publish_seconds_count');
  return {
    out: byType('out'),
    in: byType('in'),
    bytesOutPerEdit: sumOf(series, 'drawbridge_cluster_bytes_total', { direction: 'out' }) / edits,
    bytesInPerEdit: sumOf(series, 'drawbridge_cluster_bytes_total', { direction: 'in' }) / edits,
    publishP99Ms: histogramQuantile(series, 'drawbridge_redis_publish_seconds', 0.99) * 1000,
    publishMeanMs:
      count > 0 ? (sumOf(series, 'drawbridge_redis_publish_seconds_sum') / count) * 1000 : NaN,
    gapsRepaired: sumOf(series, 'drawbridge_cluster_gaps_repaired_total'),
    recordsRepaired: sumOf(series, 'drawbridge_cluster_records_repaired_total'),
    adopted: sumOf(series, 'drawbridge_cluster_adopted_updates_total'),
  };
}

export interface CrossRun {
  kind: ServerKind;
  layout: Layout;
  round: number;
  paced: {
    all: LatencyFigures;
    byWorker: LatencyFigures[];
    redis?: RedisCounters;
    bus?: BusFigures[];
    cpuSeconds: number[];
    edits: number;
  };
  burst: {
    deliveriesPerSec: number;
    elapsedMs: number;
    /** Per node: CPU µs per update it delivered to its readers. */
    cpuPerDeliveryUs: number[];
    /** Every node's CPU over every delivery. */
    totalCpuPerDeliveryUs: number;
    cpuSeconds: number[];
    readersOn: number[];
    redis?: RedisCounters;
    bus?: BusFigures[];
    clientElu: number[];
    edits: number;
  };
  verified: string;
}

export async function measure(
  kind: ServerKind,
  layout: Layout,
  round: number,
  infra: Infra,
  quick: boolean,
): Promise<CrossRun> {
  const pacedPhase = await onFreshSetup(kind, layout, infra, (setup) =>
    runPhase(setup, infra, {
      boardId: `xnode-paced-r${round}`,
      // Measured warm, as servers run (as in the latency scenario).
      warmup: quick ? 200 : 2000,
      count: RATE * (quick ? 2 : 5),
      mode: 'paced',
      window: 64,
      rate: RATE,
      stallMs: 10_000,
    }),
  );
  const burstPhase = await onFreshSetup(kind, layout, infra, (setup) =>
    runPhase(setup, infra, {
      boardId: `xnode-burst-r${round}`,
      // As long as the fan-out burst's, for the same reason (JIT settled before measuring). With
      // 1,000 the single node's CPU per delivered update read 2.2-3.6 us, with 4,000 1.5-2.6 us
      // (alternated twice x 2 rounds on the 2-core host, 2026-12-06), which is the baseline of
      // every per-node ratio.
      warmup: quick ? 200 : 4000,
      count: quick ? 1500 : 8000,
      mode: 'burst',
      window: 64,
      rate: 0,
      stallMs: 10_000,
    }),
  );
  const deliveries = burstPhase.edits * READERS;
  const busOf = (phase: Phase) => phase.metrics?.map((s) => busFigures(s, phase.edits));
  const pacedLatency = latencies(pacedPhase);
  return {
    kind,
    layout,
    round,
    paced: {
      ...pacedLatency,
      ...(pacedPhase.redis ? { redis: pacedPhase.redis } : {}),
      ...(busOf(pacedPhase) ? { bus: busOf(pacedPhase)! } : {}),
      cpuSeconds: pacedPhase.cpuSeconds,
      edits: pacedPhase.edits,
    },
    burst: {
      deliveriesPerSec: (deliveries / burstPhase.elapsedMs) * 1000,
      elapsedMs: burstPhase.elapsedMs,
      cpuPerDeliveryUs: burstPhase.cpuSeconds.map(
        (cpu, i) => (cpu * 1e6) / (burstPhase.edits * burstPhase.readersOn[i]!),
      ),
      totalCpuPerDeliveryUs: (burstPhase.cpuSeconds.reduce((a, b) => a + b, 0) * 1e6) / deliveries,
      cpuSeconds: burstPhase.cpuSeconds,
      readersOn: burstPhase.readersOn,
      ...(burstPhase.redis ? { redis: burstPhase.redis } : {}),
      ...(busOf(burstPhase) ? { bus: busOf(burstPhase)! } : {}),
      clientElu: burstPhase.results.map((r) => r.clientElu),
      edits: burstPhase.edits,
    },
    verified:
      `paced: ${pacedPhase.results.map((r) => r.verified).join(' + ')}; ` +
      `burst: ${burstPhase.results.map((r) => r.verified).join(' + ')}`,
  };
}

/**
 * Each workload on nodes (and a database) of its own. On shared nodes the burst ran while they
 * still worked on the paced board after its members left: Drawbridge's compaction and the
 * version it takes when a board's last member leaves (2-2.8 s of a worker thread per node),
 * Hocuspocus's store of the document. That CPU landed in the burst's per-node figures, on the
 * single node and on the two.
 */
async function onFreshSetup<T>(
  kind: ServerKind,
  layout: Layout,
  infra: Infra,
  run: (setup: Setup) => Promise<T>,
): Promise<T> {
  const setup = await startSetup(kind, layout, infra);
  try {
    return await run(setup);
  } finally {
    await setup.destroy();
  }
}
