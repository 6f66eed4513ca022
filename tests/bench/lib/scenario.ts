/**
 * What a scenario is, and the helpers every scenario uses: interleaved rounds over servers,
 * metrics recorded per server and round, and clocks comparable across processes.
 */
import { SERVER_LABELS, type ServerKind, type Subject } from './servers.js';

export interface BenchOptions {
  rounds: number;
  quick: boolean;
  /** Servers to measure (each scenario measures those it supports). */
  servers: readonly ServerKind[];
}

/** `ratio` rows stay out of the summary and the chart; `num` is a plain figure that does not. */
export type Unit = 'count' | 'per-s' | 'ms' | 'us' | 'kb' | 'bytes' | 'num' | 'ratio';

export interface Metric {
  /** e.g. "deliveries/s". */
  name: string;
  unit: Unit;
  better: 'higher' | 'lower';
  /** One value per round, per server (or editor). */
  values: Partial<Record<Subject, number[]>>;
  /** A short remark per server (e.g. "no acks"). */
  remarks?: Partial<Record<Subject, string>>;
  /** No "Drawbridge vs each" ratio (e.g. a difference, which may be negative). */
  noRatio?: boolean;
}

export interface ScenarioResult {
  metrics: Metric[];
  /** What was checked, what was left out and why. */
  notes: string[];
  /** Raw figures for the JSON file. */
  runs: unknown[];
}

export interface ScenarioContext {
  options: BenchOptions;
  /** The servers this scenario measures in this run. */
  servers: readonly ServerKind[];
  log(message: string): void;
  /** Where a scenario may leave screenshots and such (the results directory). */
  artifactsDir: string;
}

export interface Scenario {
  /** The `--only` name. */
  name: string;
  title: string;
  /** What is measured, for the report. */
  description: string;
  /** Servers this scenario can measure; an empty list means it is not available yet. */
  supports: readonly ServerKind[];
  /** Why nothing is measured, when `supports` is empty. */
  unavailable?: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

/**
 * Milliseconds on the machine's monotonic clock (CLOCK_MONOTONIC through libuv's hrtime), which
 * every process shares: a send in one client process and its delivery in another compare. Not
 * `performance.timeOrigin + performance.now()`: each process fixes that origin from the wall
 * clock when it starts, and in some rounds the paced latency's median came out at -3.2 ms (a
 * delivery before its send) or at 5-6 ms, against 0.7-0.9 ms in the others.
 */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * Runs `measure` for every server in every round, rotating the order each round so no server
 * always goes first (or last, on a warmer machine); records what it returns.
 */
export async function interleave<T>(
  ctx: ScenarioContext,
  measure: (kind: ServerKind, round: number) => Promise<T>,
): Promise<Array<{ kind: ServerKind; round: number; result: T }>> {
  const out: Array<{ kind: ServerKind; round: number; result: T }> = [];
  const kinds = ctx.servers;
  for (let round = 0; round < ctx.options.rounds; round++) {
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(k + round) % kinds.length]!;
      const started = performance.now();
      const result = await measure(kind, round);
      ctx.log(
        `round ${round + 1}/${ctx.options.rounds} ${SERVER_LABELS[kind]} ` +
          `(${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
      out.push({ kind, round, result });
    }
  }
  return out;
}

/** Builds a metric from interleaved results. */
export function metric<T>(
  name: string,
  unit: Unit,
  better: 'higher' | 'lower',
  runs: ReadonlyArray<{ kind: Subject; result: T }>,
  pick: (result: T) => number | undefined,
): Metric {
  const values: Partial<Record<Subject, number[]>> = {};
  for (const run of runs) {
    const value = pick(run.result);
    if (value === undefined) continue;
    const list = values[run.kind] ?? [];
    list.push(value);
    values[run.kind] = list;
  }
  return { name, unit, better, values };
}

/** Polls `check` until it returns true; throws `describe()` past the deadline. */
export async function waitUntil(
  check: () => boolean,
  timeoutMs: number,
  describe: () => string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
