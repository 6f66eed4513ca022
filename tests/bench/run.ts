/**
 * `pnpm bench`: Drawbridge side by side with the servers and editors a team would pick instead,
 * measured in the same run on this machine (scenarios/*.ts, one per file; index in
 * scenarios/index.ts). Every server runs in its own process, clients in others, on loopback;
 * rounds are interleaved; figures are medians, compared as ratios within the run.
 *
 * The peers (Hocuspocus, y-websocket, a Socket.IO relay, a raw ws relay, Excalidraw, tldraw)
 * live in tests/bench/peers, outside the pnpm workspace: installed with `npm ci` on the first
 * run, never by `pnpm install`.
 *
 * Options (`pnpm bench --only=fanout,latency --rounds=1`):
 *   --only=a,b        scenarios to run (default: all); `--list` prints them
 *   --servers=a,b     servers to measure (default: all; ratios need drawbridge)
 *   --rounds=N        interleaved rounds (default 3; quick: 1)
 *   --quick           fewer rounds, smaller loads: a minute or two, figures rougher
 *   --deadline=S      hard bound on the whole run in seconds (default 2400; quick 600)
 *   --out=DIR         where to write latest.{json,md,svg} (default tests/bench/results)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeHostNoise, measureHostNoise } from './lib/hostNoise.js';
import { ensurePeers } from './lib/peers.js';
import { type Environment, markdownReport, type ScenarioOutcome, svgChart } from './lib/report.js';
import type { BenchOptions } from './lib/scenario.js';
import { SERVER_KINDS, type ServerKind, unexpectedExits } from './lib/servers.js';
import { SCENARIOS } from './scenarios/index.js';

const argv = process.argv.slice(2).filter((arg) => arg !== '--');
const { values: args } = parseArgs({
  args: argv,
  options: {
    only: { type: 'string' },
    servers: { type: 'string' },
    rounds: { type: 'string' },
    quick: { type: 'boolean', default: false },
    deadline: { type: 'string' },
    out: { type: 'string' },
    list: { type: 'boolean', default: false },
  },
});

if (args.list) {
  for (const s of SCENARIOS) console.log(`${s.name.padEnd(12)} ${s.title}`);
  process.exit(0);
}

const listOf = <T extends string>(
  raw: string | undefined,
  all: readonly T[],
  what: string,
): T[] => {
  if (!raw) return [...all];
  return raw.split(',').map((name) => {
    if (!(all as readonly string[]).includes(name)) {
      throw new Error(`unknown ${what} "${name}"; one of: ${all.join(', ')}`);
    }
    return name as T;
  });
};

const quick = args.quick ?? false;
const rounds = Number(args.rounds ?? (quick ? 1 : 3));
if (!Number.isSafeInteger(rounds) || rounds < 1)
  throw new Error('--rounds must be a positive integer');
const options: BenchOptions = {
  rounds,
  quick,
  servers: listOf<ServerKind>(args.servers, SERVER_KINDS, 'server'),
};
const selected = listOf(
  args.only,
  SCENARIOS.map((s) => s.name),
  'scenario',
).map((name) => SCENARIOS.find((s) => s.name === name)!);
const deadlineSeconds = Number(args.deadline ?? (quick ? 600 : 2400));
const outDir = path.resolve(args.out ?? fileURLToPath(new URL('./results/', import.meta.url)));
const command = `pnpm bench${argv.length > 0 ? ` ${argv.join(' ')}` : ''}`;

// The whole run has a hard bound: past it, everything this process started is killed
// (servers and client processes are killed on exit) and the run fails.
const deadline = setTimeout(() => {
  console.error(`bench: gave up after ${deadlineSeconds} s (the hard bound of the run)`);
  process.exit(1);
}, deadlineSeconds * 1000);
deadline.unref();
process.on('SIGINT', () => process.exit(130));

function chromiumVersion(): string | undefined {
  const binary = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(binary)) return undefined;
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<boolean> {
  const startedAt = new Date();
  const t0 = performance.now();
  const env: Environment = {
    node: process.version,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadavgBefore: os.loadavg(),
  };
  const needsPeers = selected.some(
    (s) =>
      s.name === 'render' ||
      s.supports.some((k) => k !== 'drawbridge' && options.servers.includes(k)),
  );
  if (needsPeers) ensurePeers((line) => console.error(line));
  // After the peers' install (its disk writes would be in the sync figures), before any server.
  env.hostNoise = await measureHostNoise(quick ? { spinMs: 500, syncs: 50 } : {});
  console.error(describeHostNoise(env.hostNoise));
  if (selected.some((s) => s.name === 'render')) {
    const chromium = chromiumVersion();
    if (chromium) env.chromium = chromium;
  }

  const outcomes: ScenarioOutcome[] = [];
  mkdirSync(outDir, { recursive: true });
  for (const scenario of selected) {
    const servers = options.servers.filter((k) => scenario.supports.includes(k));
    const started = performance.now();
    console.error(`\n== ${scenario.name}: ${scenario.title}`);
    if (scenario.supports.length === 0) {
      outcomes.push({ scenario, skipped: scenario.unavailable ?? 'not available', seconds: 0 });
      console.error(`   skipped: ${scenario.unavailable}`);
      continue;
    }
    if (servers.length === 0) {
      outcomes.push({ scenario, skipped: 'none of its servers selected (--servers)', seconds: 0 });
      continue;
    }
    try {
      const result = await scenario.run({
        options,
        servers,
        log: (message) => console.error(`   ${message}`),
        artifactsDir: outDir,
      });
      outcomes.push({ scenario, result, seconds: (performance.now() - started) / 1000 });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`   FAILED: ${message}`);
      outcomes.push({ scenario, error: message, seconds: (performance.now() - started) / 1000 });
    }
  }

  const totalSeconds = (performance.now() - t0) / 1000;
  const markdown = markdownReport(outcomes, env, command, startedAt, totalSeconds);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'latest.md'), markdown);
  writeFileSync(
    path.join(outDir, 'latest.svg'),
    svgChart(outcomes, `pnpm bench, ${startedAt.toISOString().slice(0, 10)}: medians per server`),
  );
  writeFileSync(
    path.join(outDir, 'latest.json'),
    `${JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        command,
        durationSeconds: totalSeconds,
        environment: { ...env, loadavgAfter: os.loadavg() },
        options,
        scenarios: outcomes.map((o) => ({
          name: o.scenario.name,
          title: o.scenario.title,
          seconds: o.seconds,
          ...(o.skipped ? { skipped: o.skipped } : {}),
          ...(o.error ? { error: o.error } : {}),
          ...(o.result
            ? { metrics: o.result.metrics, notes: o.result.notes, runs: o.result.runs }
            : {}),
        })),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\n${markdown}`);
  console.log(
    `results: ${path.join(outDir, 'latest.{md,json,svg}')} (${totalSeconds.toFixed(0)} s)`,
  );
  return outcomes.every((o) => !o.error);
}

// Normal ends exit explicitly. Node exits by itself only when nothing is left to wait on while
// the run is unfinished (a promise that can no longer settle: say, a server died mid-scenario),
// and then with status 0 and no word: fail loudly instead.
process.on('beforeExit', () => {
  console.error(
    '\nbench FAILED: the run stopped unfinished, with nothing left to wait on.' +
      (unexpectedExits.length > 0 ? `\n${unexpectedExits.join('\n')}` : ''),
  );
  process.exit(1);
});

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: unknown) => {
    console.error(
      '\nbench FAILED:',
      error instanceof Error ? (error.stack ?? error.message) : error,
    );
    process.exit(1);
  },
);
