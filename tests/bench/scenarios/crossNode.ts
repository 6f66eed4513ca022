/**
 * Cross-node fan-out: one writer and 50 readers on one board, served by one node, then by two
 * nodes over Redis with the readers split between them (the writer and 25 readers on node A, 25
 * readers on node B). Same clients, same storage in both: Drawbridge's nodes use one private
 * PostgreSQL (a fresh database per setup), the single node too, so the difference is what
 * crossing nodes costs. Hocuspocus runs the same way with @hocuspocus/extension-redis.
 *
 * Each layout runs two workloads, each on fresh nodes (`onFreshSetup`): paced (500 updates/s:
 * latency), then a burst (64 in flight: deliveries/s and CPU). Client process 0 holds the writer
 * and readers on node A, client process 1 the readers on node B (on the single node: the same
 * processes, same node), so "readers on the other node" compares like with like. Readers count every edit by content
 * (broadcastClients.ts): a loss or duplicate on either node fails the run.
 */
import { rmSync } from 'node:fs';
import { type PostgresServer, startPostgres } from '../../utils/postgres.js';
import { type RedisServer, startRedis } from '../../utils/redis.js';
import { tempDir } from '../../utils/server.js';
import {
  histogramQuantile,
  type RedisCounters,
  RedisInfo,
  redisDelta,
  type Series,
  scrapeMetrics,
  seriesDelta,
  sumOf,
} from '../lib/clusterStats.js';
import type { ServerAddress } from '../lib/conn.js';
import type { Metric, Scenario, ScenarioContext, Unit } from '../lib/scenario.js';
import {
  SERVER_LABELS,
  type ServerKind,
  type ServerProcess,
  startServer,
  UNLIMITED_RATE,
} from '../lib/servers.js';
import { median, percentile } from '../lib/stats.js';
import { driveBroadcast } from './broadcast.js';
import type { BroadcastParams, BroadcastResult } from './broadcastClients.js';

const READERS = 50;
const WORKERS = 2;
const RATE = 500;
/** Targets of issue 7. */
const MAX_ADDED_P99_MS = 1;
const MAX_NODE_COST_RATIO = 1.2;

type Layout = 1 | 2;

interface Infra {
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

interface LatencyFigures {
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
  const byWorker = phase.results.map((result) => {
    const received = result.receivedAt!;
    return Array.from(received, (at, k) => at - sentAt[k % sentAt.length]!);
  });
  return { all: latencyOf(byWorker.flat()), byWorker: byWorker.map(latencyOf) };
}

/** What a Drawbridge node's metrics say about its bus traffic, per measured edit. */
interface BusFigures {
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

interface CrossRun {
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

async function measure(
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
      warmup: quick ? 200 : 1000,
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

function metricOf(
  name: string,
  unit: Unit,
  better: 'higher' | 'lower',
  runs: readonly CrossRun[],
  layout: Layout,
  pick: (run: CrossRun) => number | undefined,
  extra: Partial<Metric> = {},
): Metric {
  const values: Metric['values'] = {};
  for (const run of runs) {
    if (run.layout !== layout) continue;
    const value = pick(run);
    if (value === undefined || Number.isNaN(value)) continue;
    const list = values[run.kind] ?? [];
    list.push(value);
    values[run.kind] = list;
  }
  return { name, unit, better, values, ...extra };
}

/** Per kind and round, `pick(two nodes, one node)`: comparisons within a round. */
function pairedMetric(
  name: string,
  unit: Unit,
  better: 'higher' | 'lower',
  runs: readonly CrossRun[],
  pick: (two: CrossRun, one: CrossRun) => number,
  extra: Partial<Metric> = {},
): Metric {
  const values: Metric['values'] = {};
  for (const two of runs) {
    if (two.layout !== 2) continue;
    const one = runs.find((r) => r.layout === 1 && r.kind === two.kind && r.round === two.round);
    if (!one) continue;
    const list = values[two.kind] ?? [];
    list.push(pick(two, one));
    values[two.kind] = list;
  }
  return { name, unit, better, values, ...extra };
}

const fixed = (value: number, digits = 2) =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';

function busNote(runs: readonly CrossRun[], phase: 'paced' | 'burst'): string | null {
  const mine = runs.filter((r) => r.kind === 'drawbridge' && r.layout === 2 && r[phase].bus);
  if (mine.length === 0) return null;
  const per = (pick: (run: CrossRun) => number) => fixed(median(mine.map(pick)));
  const types = new Set(mine.flatMap((r) => r[phase].bus!.flatMap((b) => Object.keys(b.out))));
  const outTypes = [...types]
    .map(
      (type) =>
        `${type} ${per((r) => r[phase].bus!.reduce((sum, b) => sum + (b.out[type] ?? 0), 0))}`,
    )
    .join(', ');
  const label = phase === 'paced' ? `at ${RATE} updates/s` : 'in the burst';
  return (
    `Drawbridge's own metrics ${label} (medians, per measured edit, both nodes): bus messages ` +
    `out: ${outTypes}; bytes out ${per((r) => r[phase].bus!.reduce((s, b) => s + b.bytesOutPerEdit, 0))}, ` +
    `in ${per((r) => r[phase].bus!.reduce((s, b) => s + b.bytesInPerEdit, 0))} (payloads, Redis framing not ` +
    `included); publish round trip mean ${per((r) => r[phase].bus![0]!.publishMeanMs)} ms, p99 <= ` +
    `${per((r) => r[phase].bus![0]!.publishP99Ms)} ms (node A, histogram bucket); catch-ups from ` +
    `storage on node B: ${mine.map((r) => r[phase].bus![1]!.gapsRepaired).join('/')} ` +
    `(${mine.map((r) => r[phase].bus![1]!.recordsRepaired).join('/')} records) per round; ` +
    `adopted updates: ${mine.map((r) => r[phase].bus!.reduce((s, b) => s + b.adopted, 0)).join('/')}.`
  );
}

/** Runs grouped by server and layout, labelled. */
function variantsIn(runs: readonly CrossRun[]): Array<{ label: string; runs: CrossRun[] }> {
  const out: Array<{ label: string; runs: CrossRun[] }> = [];
  for (const run of runs) {
    const label = `${SERVER_LABELS[run.kind]}, ${run.layout} node${run.layout === 2 ? 's' : ''}`;
    const group = out.find((g) => g.label === label);
    if (group) group.runs.push(run);
    else out.push({ label, runs: [run] });
  }
  return out.sort((a, b) => a.label.localeCompare(b.label));
}

function targetNotes(runs: readonly CrossRun[], servers: readonly ServerKind[]): string[] {
  return servers.map((kind) => {
    const pairs = runs
      .filter((two) => two.kind === kind && two.layout === 2)
      .flatMap((two) => {
        const one = runs.find((r) => r.kind === kind && r.layout === 1 && r.round === two.round);
        return one ? [{ two, one }] : [];
      });
    const med = (pick: (p: { two: CrossRun; one: CrossRun }) => number) => median(pairs.map(pick));
    const added = med(({ two, one }) => two.paced.byWorker[1]!.p99 - one.paced.byWorker[1]!.p99);
    const addedAll = med(({ two, one }) => two.paced.all.p99 - one.paced.all.p99);
    const ratio = (node: number) =>
      med(({ two, one }) => two.burst.cpuPerDeliveryUs[node]! / one.burst.cpuPerDeliveryUs[0]!);
    const busier = med(
      ({ two, one }) => Math.max(...two.burst.cpuPerDeliveryUs) / one.burst.cpuPerDeliveryUs[0]!,
    );
    const together = med(
      ({ two, one }) => two.burst.totalCpuPerDeliveryUs / one.burst.cpuPerDeliveryUs[0]!,
    );
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    return (
      `${SERVER_LABELS[kind]} against the targets (medians of per-round comparisons): p99 added ` +
      `by crossing nodes ${fixed(added)} ms (target <= ${MAX_ADDED_P99_MS} ms: ` +
      `${verdict(added <= MAX_ADDED_P99_MS)}; over all 50 readers ${fixed(addedAll)} ms); CPU per ` +
      `delivered update on node A ${fixed(ratio(0))}x, on node B ${fixed(ratio(1))}x the single ` +
      `node's, busier node ${fixed(busier)}x (target <= ${MAX_NODE_COST_RATIO}x: ` +
      `${verdict(busier <= MAX_NODE_COST_RATIO)}); both nodes together ${fixed(together)}x.`
    );
  });
}

export const crossNode: Scenario = {
  name: 'cross-node',
  title: 'Cross-node fan-out: two nodes over Redis against one',
  description:
    `One writer and ${READERS} readers on one board, served by one node, then by two nodes ` +
    'sharing Redis with the readers split between them (writer and 25 readers on node A, 25 ' +
    'readers on node B); the same client processes either way, and the same storage: ' +
    "Drawbridge's nodes share one private PostgreSQL (fsync on; the single node uses it too, " +
    `without Redis); Hocuspocus uses @hocuspocus/extension-redis and shared files. At ${RATE} ` +
    'updates/s: latency from send to delivery ("p99 added" = the same client process\'s readers, ' +
    'on node B minus on the single node, per round). A burst of 64 in flight: deliveries/s and ' +
    "each node's CPU (/proc) per update it delivered to its own readers. Redis messages and bytes " +
    'per update as Redis counted them (PUBLISH/SPUBLISH calls; bytes into and out of ' +
    'redis-server, subscribers included).',
  supports: ['drawbridge', 'hocuspocus'],
  async run(ctx: ScenarioContext) {
    const quick = ctx.options.quick;
    const [pg, redis] = await Promise.all([
      ctx.servers.includes('drawbridge') ? startPostgres() : Promise.resolve(undefined),
      startRedis(),
    ]);
    const runs: CrossRun[] = [];
    let info: RedisInfo | undefined;
    try {
      info = await RedisInfo.open(redis.port);
      const infra: Infra = { pg, redis, info, setups: 0 };
      const variants = ctx.servers.flatMap((kind) =>
        ([1, 2] as const).map((layout) => ({ kind, layout })),
      );
      for (let round = 0; round < ctx.options.rounds; round++) {
        for (let v = 0; v < variants.length; v++) {
          const { kind, layout } = variants[(v + round) % variants.length]!;
          const started = performance.now();
          const run = await measure(kind, layout, round, infra, quick);
          runs.push(run);
          ctx.log(
            `round ${round + 1}/${ctx.options.rounds} ${SERVER_LABELS[kind]}, ${layout} ` +
              `node${layout === 2 ? 's' : ''} (${((performance.now() - started) / 1000).toFixed(1)} s): ` +
              `${Math.round(run.burst.deliveriesPerSec)} deliveries/s, p99 ` +
              `${run.paced.byWorker.map((w) => w.p99.toFixed(1)).join(' / ')} ms, CPU/delivery ` +
              `${run.burst.cpuPerDeliveryUs.map((c) => c.toFixed(1)).join(' / ')} µs`,
          );
        }
      }
    } finally {
      info?.close();
      await Promise.allSettled([pg?.destroy(), redis.destroy()]);
    }

    const perEdit = (
      counters: RedisCounters | undefined,
      edits: number,
      pick: (c: RedisCounters) => number,
    ) => (counters ? pick(counters) / edits : undefined);
    const metrics: Metric[] = [
      metricOf('deliveries/s, 1 node', 'per-s', 'higher', runs, 1, (r) => r.burst.deliveriesPerSec),
      metricOf(
        'deliveries/s, 2 nodes',
        'per-s',
        'higher',
        runs,
        2,
        (r) => r.burst.deliveriesPerSec,
      ),
      metricOf(`p99 at ${RATE} updates/s, 1 node`, 'ms', 'lower', runs, 1, (r) => r.paced.all.p99),
      metricOf(`p99 at ${RATE} updates/s, 2 nodes`, 'ms', 'lower', runs, 2, (r) => r.paced.all.p99),
      metricOf(
        `p99 at ${RATE} updates/s, 2 nodes: readers on node B`,
        'ms',
        'lower',
        runs,
        2,
        (r) => r.paced.byWorker[1]?.p99,
      ),
      pairedMetric(
        'p99 added by crossing nodes (node B readers - same readers on 1 node)',
        'ms',
        'lower',
        runs,
        (two, one) => two.paced.byWorker[1]!.p99 - one.paced.byWorker[1]!.p99,
        { noRatio: true },
      ),
      pairedMetric(
        'p50 added by crossing nodes (the same comparison)',
        'ms',
        'lower',
        runs,
        (two, one) => two.paced.byWorker[1]!.p50 - one.paced.byWorker[1]!.p50,
        { noRatio: true },
      ),
      metricOf(
        'CPU per delivered update, 1 node',
        'us',
        'lower',
        runs,
        1,
        (r) => r.burst.cpuPerDeliveryUs[0],
      ),
      metricOf(
        'CPU per delivered update, 2 nodes: node A (writer)',
        'us',
        'lower',
        runs,
        2,
        (r) => r.burst.cpuPerDeliveryUs[0],
      ),
      metricOf(
        'CPU per delivered update, 2 nodes: node B',
        'us',
        'lower',
        runs,
        2,
        (r) => r.burst.cpuPerDeliveryUs[1],
      ),
      metricOf(
        'CPU per delivered update, 2 nodes: both nodes together',
        'us',
        'lower',
        runs,
        2,
        (r) => r.burst.totalCpuPerDeliveryUs,
      ),
      pairedMetric(
        'per-node cost: busier node / 1 node (CPU per delivered update)',
        'ratio',
        'lower',
        runs,
        (two, one) => Math.max(...two.burst.cpuPerDeliveryUs) / one.burst.cpuPerDeliveryUs[0]!,
      ),
      metricOf(`Redis messages per update at ${RATE} updates/s`, 'num', 'lower', runs, 2, (r) =>
        perEdit(r.paced.redis, r.paced.edits, (c) => c.publishes),
      ),
      metricOf(`Redis bytes per update at ${RATE} updates/s`, 'bytes', 'lower', runs, 2, (r) =>
        perEdit(r.paced.redis, r.paced.edits, (c) => c.bytesIn + c.bytesOut),
      ),
      metricOf('Redis messages per update in the burst', 'num', 'lower', runs, 2, (r) =>
        perEdit(r.burst.redis, r.burst.edits, (c) => c.publishes),
      ),
      metricOf('Redis bytes per update in the burst', 'bytes', 'lower', runs, 2, (r) =>
        perEdit(r.burst.redis, r.burst.edits, (c) => c.bytesIn + c.bytesOut),
      ),
    ];

    const first = runs.find((r) => r.layout === 2) ?? runs[0];
    const notes = [
      ...targetNotes(runs, ctx.servers),
      `Verified, every run and both workloads (e.g. ${first?.kind}, 2 nodes): ${first?.verified ?? ''}.`,
      `Paced: ${RATE} updates/s for ${quick ? 2 : 5} s after ${quick ? 200 : 2000} warm-up edits at the same pace; burst (after the paced phase): ` +
        `${quick ? 1500 : 8000} edits after ${quick ? 200 : 1000}, 64 in flight. Client process 0 ` +
        'holds the writer and 25 readers (node A), process 1 the other 25 (node B, or the same ' +
        'single node).',
      `p99 and p50 by client process (process 0: node A / process 1: node B or the single node), ` +
        `medians: ${variantsIn(runs)
          .map(({ label, runs: same }) => {
            const at = (w: number, pick: (l: LatencyFigures) => number) =>
              fixed(median(same.map((x) => pick(x.paced.byWorker[w]!))), 1);
            return `${label}: p99 ${at(0, (l) => l.p99)} / ${at(1, (l) => l.p99)} ms, p50 ${at(0, (l) => l.p50)} / ${at(1, (l) => l.p50)} ms`;
          })
          .join('; ')}.`,
      'Redis counts include what runs besides board traffic in the phase: Drawbridge node ' +
        'heartbeats (1 per node per second), Hocuspocus lock commands around its debounced stores.',
      ...(['paced', 'burst'] as const).flatMap((phase) => busNote(runs, phase) ?? []),
      "Both nodes, Redis, PostgreSQL and the two client processes share this machine's cores: " +
        'deliveries/s and latency of two nodes include that contention; CPU per delivered update ' +
        'is CPU time, which it affects less.',
      `client busy (max event-loop use in the burst), medians: ${variantsIn(runs)
        .map(
          ({ label, runs: same }) =>
            `${label} ${fixed(median(same.map((x) => Math.max(...x.burst.clientElu))))}`,
        )
        .join(', ')} (near 1.0: the load generator was the limit).`,
    ];
    return { metrics, notes, runs };
  },
};
