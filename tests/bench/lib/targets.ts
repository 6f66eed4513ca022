/**
 * The speed targets of issues 7 and 8, checked against one run: the report's targets table
 * gives, for each, Drawbridge's figure and whether this run met it. A bound applies to
 * Drawbridge's median; "ahead of" compares medians of servers measured in the same run. A
 * target whose scenario, or one of whose peers, is not in the run is left out of the table.
 *
 * Each target is also checked round by round (a bound on each round's figure, "ahead of" on the
 * servers' figures of the same round): on a noisy host a median verdict that holds in one round
 * of three reads differently from one that holds in all of them.
 */
import { advantage, format, gain, medianOf, SHORT } from './figures.js';
import type { Metric, ScenarioResult } from './scenario.js';
import type { Subject } from './servers.js';

/** What the targets read of a run: each scenario's metrics, by name. */
export interface MeasuredScenario {
  scenario: { name: string };
  result: ScenarioResult;
}

type Find = (scenario: string, metric: string) => Metric | undefined;

export interface Verdict {
  figure: string;
  met: boolean;
  /**
   * Whether each round met the target on its own figures, in round order; null when the rounds
   * cannot be paired (a server or a part with fewer rounds than another).
   */
  rounds: boolean[] | null;
}

type Check = (find: Find) => Verdict | null;

interface Target {
  issue: 7 | 8;
  target: string;
  check: Check;
}

const drawbridgeMedian = (m: Metric | undefined): number | null =>
  m?.values.drawbridge?.length ? medianOf(m, 'drawbridge') : null;

/** Round i's verdict from every list's value i; null unless all lists have as many rounds. */
function perRound(
  lists: ReadonlyArray<readonly number[]>,
  met: (values: number[]) => boolean,
): boolean[] | null {
  const n = lists[0]?.length ?? 0;
  if (n === 0 || lists.some((list) => list.length !== n)) return null;
  return Array.from({ length: n }, (_, i) => met(lists.map((list) => list[i]!)));
}

/**
 * Drawbridge's median at most `max` (below it when `strict`). `resolution`: the figure's own
 * granularity (a frame time is read to 0.1 ms), to which the median is rounded first.
 */
function atMost(
  scenario: string,
  metric: string,
  max: number,
  options: { strict?: boolean; resolution?: number } = {},
): Check {
  return (find) => {
    const m = find(scenario, metric);
    const value = drawbridgeMedian(m);
    if (m === undefined || value === null) return null;
    const step = options.resolution;
    const rounded = (x: number) => (step ? Math.round(x / step) * step : x);
    const within = (x: number) => (options.strict ? rounded(x) < max : rounded(x) <= max + 1e-9);
    const v = rounded(value);
    const met = within(value);
    const figure =
      m.unit === 'ratio'
        ? `${value.toFixed(2)}x`
        : step
          ? `${v.toFixed(1)} ms`
          : format(value, m.unit);
    return { figure, met, rounds: perRound([m.values.drawbridge!], ([x]) => within(x!)) };
  };
}

/** Drawbridge at least `ratio` times better than each peer (ratio 1: strictly better). */
function ahead(
  scenario: string,
  metric: string,
  peers: ReadonlyArray<readonly [Subject, number]>,
): Check {
  return (find) => {
    const m = find(scenario, metric);
    if (m === undefined || drawbridgeMedian(m) === null) return null;
    if (peers.some(([peer]) => !m.values[peer]?.length)) return null;
    const parts = peers.map(([peer]) => `${advantage(m, peer).toFixed(2)}x ${SHORT[peer]}`);
    // `ratio` 1: strictly better; otherwise at least that many times better.
    const enough = (times: number, ratio: number) => (ratio === 1 ? times > 1 : times >= ratio);
    const met = peers.every(([peer, ratio]) => enough(advantage(m, peer), ratio));
    const rounds = perRound(
      [m.values.drawbridge!, ...peers.map(([peer]) => m.values[peer]!)],
      ([db, ...others]) =>
        peers.every(([, ratio], k) => enough(gain(m.better, db!, others[k]!), ratio)),
    );
    return {
      figure: `${format(medianOf(m, 'drawbridge'), m.unit)} (${parts.join(', ')})`,
      met,
      rounds,
    };
  };
}

/** Ahead of every peer measured on that metric in this run. */
function aheadOfAll(scenario: string, metric: string): Check {
  return (find) => {
    const m = find(scenario, metric);
    if (m === undefined) return null;
    const peers = (Object.keys(m.values) as Subject[]).filter(
      (kind) => kind !== 'drawbridge' && (m.values[kind]?.length ?? 0) > 0,
    );
    if (peers.length === 0) return null;
    return ahead(
      scenario,
      metric,
      peers.map((peer) => [peer, 1] as const),
    )(find);
  };
}

/** Never above zero in any round (a count of losses). */
function noneInAnyRound(scenario: string, metric: string): Check {
  return (find) => {
    const values = find(scenario, metric)?.values.drawbridge;
    if (!values?.length) return null;
    const worst = Math.max(...values);
    return {
      figure: `${worst} in the worst round`,
      met: worst === 0,
      rounds: values.map((value) => value === 0),
    };
  };
}

/** Every part measured, and all met. */
function all(...checks: Check[]): Check {
  return (find) => {
    const verdicts = checks.map((check) => check(find));
    if (verdicts.some((v) => v === null)) return null;
    // A figure that the next one repeats (a bound, then a comparison of the same median) once.
    const figures = verdicts.map((v) => v!.figure);
    const rounds = verdicts.map((v) => v!.rounds);
    const paired = rounds.every((r) => r !== null && r.length === rounds[0]!.length);
    return {
      figure: figures.filter((f, i) => !figures[i + 1]?.startsWith(`${f} (`)).join('; '),
      met: verdicts.every((v) => v!.met),
      rounds: paired ? rounds[0]!.map((_, i) => rounds.every((r) => r![i])) : null,
    };
  };
}

const FANOUT_PEERS = [
  ['ws', 1.1],
  ['hocuspocus', 1.4],
] as const;

export const TARGETS: readonly Target[] = [
  {
    issue: 8,
    target: 'fan-out, 64 in flight: deliveries/s ≥ 1.1x the raw ws relay, ≥ 1.4x Hocuspocus',
    check: ahead('fanout', 'deliveries/s', FANOUT_PEERS),
  },
  {
    issue: 8,
    target: 'fan-out, every edit sent at once: the same',
    check: ahead('fanout', 'deliveries/s, every edit sent at once', FANOUT_PEERS),
  },
  {
    issue: 8,
    target: 'latency at 500 updates/s: p99 ≤ 5 ms, below Hocuspocus and y-websocket',
    check: all(
      atMost('latency', 'p99 end to end', 5),
      ahead('latency', 'p99 end to end', [
        ['hocuspocus', 1],
        ['y-websocket', 1],
      ]),
    ),
  },
  {
    issue: 8,
    target: "mixed load: /healthz and edited boards' round trips, p99 < 50 ms",
    check: all(
      atMost('mixed', '/healthz p99', 50, { strict: true }),
      atMost('mixed', "edited boards' round trip p99", 50, { strict: true }),
    ),
  },
  {
    issue: 8,
    target: "flood: other boards' round trips, p99 < 50 ms",
    check: atMost('flood', "other boards' round trip p99 during the flood", 50, { strict: true }),
  },
  {
    issue: 8,
    target: 'cold join of 10,000 shapes: 1 joiner ≤ 300 ms; 50 at once, the last ≤ 1 s',
    check: all(
      atMost('cold-join', '1 joiner: synced', 300),
      atMost('cold-join', '50 joiners at once: last synced', 1000),
    ),
  },
  {
    issue: 8,
    target: 'idle: ≤ 12 KB per connection',
    check: atMost('idle', 'memory per idle connection', 12),
  },
  {
    issue: 8,
    target: 'connects per second ahead of y-websocket',
    check: ahead('idle', 'connects per second', [['y-websocket', 1]]),
  },
  {
    issue: 8,
    target: 'reconnect storm: converged sooner than every peer, no acked edit lost',
    check: all(
      aheadOfAll('reconnect', 'all rejoined and converged, from server ready'),
      noneInAnyRound('reconnect', 'acked edits lost after kill -9'),
    ),
  },
  {
    issue: 8,
    target: 'rendering: p95 frame ≤ 33 ms at 10,000 shapes, ≤ 16.7 ms at 2,000',
    check: all(
      atMost('render', '10,000 shapes: p95 frame', 33, { resolution: 0.1 }),
      atMost('render', '2,000 shapes: p95 frame', 16.7, { resolution: 0.1 }),
    ),
  },
  {
    issue: 7,
    target: 'cross-node: ≤ 1 ms of p99 added by crossing nodes',
    check: atMost(
      'cross-node',
      'p99 added by crossing nodes (node B readers - same readers on 1 node)',
      1,
    ),
  },
  {
    issue: 7,
    target: "cross-node: each node ≤ 1.2x the single node's CPU per delivered update",
    check: atMost(
      'cross-node',
      'per-node cost: busier node / 1 node (CPU per delivered update)',
      1.2,
    ),
  },
];

/** Each target measured in this run, with its verdict. */
export function checkTargets(
  measured: readonly MeasuredScenario[],
  targets: readonly Target[] = TARGETS,
): Array<Target & Verdict> {
  const find: Find = (scenario, metric) =>
    measured
      .find((o) => o.scenario.name === scenario)
      ?.result.metrics.find((m) => m.name === metric);
  return targets.flatMap((t) => {
    const verdict = t.check(find);
    return verdict ? [{ ...t, ...verdict }] : [];
  });
}

/** The report's targets table, or null when the run measured none of them. */
export function targetsTable(measured: readonly MeasuredScenario[]): string | null {
  const checked = checkTargets(measured);
  if (checked.length === 0) return null;
  const lines = [
    "Issues 7 and 8's targets, against this run's medians, and how many of its rounds met each " +
      "on that round's own figures:",
    '',
    '| target | issue | Drawbridge in this run | met | rounds that met it |',
    '| --- | --- | --- | --- | --- |',
    ...checked.map(
      (t) =>
        `| ${t.target} | ${t.issue} | ${t.figure} | ${t.met ? 'yes' : 'NO'} | ${roundsMet(t.rounds)} |`,
    ),
  ];
  return lines.join('\n');
}

/** "2 of 3", or "n/a" when the rounds could not be paired. */
function roundsMet(rounds: boolean[] | null): string {
  if (rounds === null) return 'n/a';
  return `${rounds.filter(Boolean).length} of ${rounds.length}`;
}
