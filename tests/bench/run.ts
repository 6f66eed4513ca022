/**
 * Relay throughput bench (`pnpm bench`): Drawbridge against minimal relays, side by side in one
 * run on loopback, reported as ratios between relays measured in the same run (the machine is
 * shared and noisy, so absolute figures matter less than how the relays compare). Then a small
 * storage section: SQLite group commit vs a commit per update.
 *
 * Relays run in this process; the load (1 sender, R receivers, all on one board) runs in a
 * forked child (clients.ts), so client work does not share the relay's event loop. Every run
 * starts a fresh relay, warms up, measures, and verifies that every receiver got every update
 * exactly once; any loss, duplicate, refusal or stall fails the bench (exit code 1).
 *
 * Options (`pnpm bench -- --rounds=1`): --rounds, --count, --budget-ms, --warmup, --receivers,
 * --window, --storage-appends, --only=raw-ws,drawbridge (ratios need both sides).
 * Writes tests/bench/results/latest.json (git-ignored).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type EditStats,
  type FromChild,
  RELAY_KINDS,
  type RelayKind,
  type RunResult,
  type RunSpec,
  type ToChild,
} from './ipc.js';
import { type CommitStats, RELAY_LABELS, startRelay } from './relays.js';
import { fmtInt, fmtMs, fmtNum, median, table } from './stats.js';
import { benchStorage, type StorageRun, type StorageSummary } from './storage.js';

// `pnpm bench -- --rounds=1` hands the `--` on to this script.
const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
const { values: args } = parseArgs({
  args: argv,
  options: {
    rounds: { type: 'string', default: '3' },
    count: { type: 'string', default: '20000' },
    'budget-ms': { type: 'string', default: '3000' },
    warmup: { type: 'string', default: '2000' },
    receivers: { type: 'string', default: '4' },
    window: { type: 'string', default: '64' },
    'storage-appends': { type: 'string', default: '2000' },
    only: { type: 'string' },
  },
});

const positiveInt = (name: string, raw: string | undefined): number => {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer`);
  return value;
};

const config = {
  rounds: positiveInt('rounds', args.rounds),
  receivers: positiveInt('receivers', args.receivers),
  window: positiveInt('window', args.window),
  warmup: positiveInt('warmup', args.warmup),
  warmupBudgetMs: 1500,
  count: positiveInt('count', args.count),
  budgetMs: positiveInt('budget-ms', args['budget-ms']),
  stallMs: 5000,
  seed: 1,
  storage: {
    appends: positiveInt('storage-appends', args['storage-appends']),
    rounds: 3,
    window: 64,
    /** Per mode and round: one fsync per append is slow on some disks. */
    budgetMs: 3000,
  },
  /** Past this the bench gives up and fails: something hangs. */
  hardDeadlineMs: 180_000,
};

const relays: RelayKind[] = args.only
  ? args.only.split(',').map((name) => {
      if (!(RELAY_KINDS as readonly string[]).includes(name))
        throw new Error(`unknown relay ${name}`);
      return name as RelayKind;
    })
  : [...RELAY_KINDS];

/** Throughput ratios to report: [numerator, denominator]. */
const RATIOS: ReadonlyArray<readonly [RelayKind, RelayKind, string]> = [
  ['sio-default', 'raw-ws', 'default-parser / raw-ws'],
  ['sio-msgpack', 'raw-ws', 'msgpack / raw-ws'],
  ['drawbridge', 'raw-ws', 'drawbridge / raw-ws'],
  ['sio-msgpack', 'sio-default', 'msgpack / default-parser'],
  ['drawbridge', 'sio-msgpack', 'drawbridge / msgpack'],
];

const resultsFile = fileURLToPath(new URL('./results/latest.json', import.meta.url));

/** Temp dirs still on disk; removed on any exit. */
const tempDirs = new Set<string>();
let child: ChildProcess | null = null;
// Ctrl-C: exit through the handler below, so temp dirs go too.
process.on('SIGINT', () => process.exit(130));
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface RelayRun extends RunResult {
  round: number;
  /** Position of the relay within its round. */
  position: number;
  relay: RelayKind;
  updatesPerSec: number;
  deliveriesPerSec: number;
  /** CPU of this (relay) process per measured update, in µs. */
  serverCpuUsPerUpdate: number;
  /** Event-loop utilization of the relay process during the measured phase. */
  serverElu: number;
  clientCpuUsPerUpdate: number;
  /** Drawbridge: SQLite group commits during the measured phase. */
  commits?: { count: number; updatesPerCommit: number; commitMs: number };
}

interface RelaySummary {
  relay: RelayKind;
  label: string;
  updatesPerSec: number;
  deliveriesPerSec: number;
  perRound: number[];
  ackP50Ms: number;
  ackP99Ms: number;
  serverCpuUsPerUpdate: number;
  serverElu: number;
  clientElu: number;
  updatesPerCommit?: number;
  commitShareOfWall?: number;
}

interface Ratio {
  name: string;
  /** Median throughput of the numerator over median throughput of the denominator. */
  throughput: number;
  /** The same ratio within each round. */
  perRound: number[];
  /** Relay CPU per update, numerator over denominator (> 1: the numerator costs more). */
  serverCpuPerUpdate: number;
}

/** The load-generator child: one at a time, one run at a time. */
class Clients {
  #pending: {
    id: number;
    resolve: (result: RunResult) => void;
    reject: (error: Error) => void;
    onMark: (phase: 'start' | 'end') => void;
  } | null = null;
  #nextId = 1;
  #exited: Promise<void>;

  private constructor(private readonly proc: ChildProcess) {
    this.#exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    proc.on('message', (message: FromChild) => {
      const pending = this.#pending;
      if (message.type === 'ready' || pending === null || message.id !== pending.id) return;
      if (message.type === 'mark') return pending.onMark(message.phase);
      this.#pending = null;
      if (message.type === 'result') pending.resolve(message.result);
      else {
        const error = new Error(message.message);
        if (message.stack) error.stack = `${message.stack}\n    (in the load generator)`;
        pending.reject(error);
      }
    });
    proc.once('exit', (code, signal) => {
      this.#pending?.reject(new Error(`load generator exited (code ${code}, signal ${signal})`));
      this.#pending = null;
    });
  }

  static async start(edits: number, seed: number): Promise<{ clients: Clients; stats: EditStats }> {
    // fork reuses this process's execArgv, so the child runs TypeScript through tsx too.
    const proc = fork(fileURLToPath(new URL('./clients.ts', import.meta.url)), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child = proc;
    const clients = new Clients(proc);
    const stats = await new Promise<EditStats>((resolve, reject) => {
      proc.once('error', reject);
      proc.once('exit', (code) => reject(new Error(`load generator exited early (code ${code})`)));
      proc.on('message', (message: FromChild) => {
        if (message.type === 'ready') resolve(message.edits);
      });
      proc.send({ type: 'init', edits, seed } satisfies ToChild);
    });
    return { clients, stats };
  }

  run(spec: RunSpec, onMark: (phase: 'start' | 'end') => void): Promise<RunResult> {
    if (this.#pending) throw new Error('one run at a time');
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending = { id, resolve, reject, onMark };
      this.proc.send({ type: 'run', id, spec } satisfies ToChild);
    });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null && this.proc.connected) {
      this.proc.send({ type: 'exit' } satisfies ToChild);
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await this.#exited;
    clearTimeout(timer);
  }
}

interface Snapshot {
  cpu: NodeJS.CpuUsage;
  elu: EventLoopUtilization;
  at: number;
  commits?: CommitStats;
}

const snapshot = (commits?: CommitStats): Snapshot => ({
  cpu: process.cpuUsage(),
  elu: performance.eventLoopUtilization(),
  at: performance.now(),
  ...(commits ? { commits: { ...commits } } : {}),
});

async function runRelay(
  clients: Clients,
  relay: RelayKind,
  round: number,
  position: number,
): Promise<RelayRun> {
  const running = await startRelay(relay, tempDirs);
  try {
    let start: Snapshot | null = null;
    let end: Snapshot | null = null;
    const result = await clients.run(
      {
        relay,
        url: running.url,
        boardId: `bench-${relay}-r${round}`,
        receivers: config.receivers,
        window: config.window,
        warmup: config.warmup,
        warmupBudgetMs: config.warmupBudgetMs,
        count: config.count,
        budgetMs: config.budgetMs,
        stallMs: config.stallMs,
      },
      (phase) => {
        if (phase === 'start') start = snapshot(running.commits);
        else end = snapshot(running.commits);
      },
    );
    const from = start as Snapshot | null;
    const to = end as Snapshot | null;
    if (from === null || to === null) throw new Error(`${relay}: no measurement marks received`);
    const cpu = process.cpuUsage(from.cpu);
    const elu = performance.eventLoopUtilization(to.elu, from.elu);
    const run: RelayRun = {
      ...result,
      round,
      position,
      relay,
      updatesPerSec: (result.sent / result.elapsedMs) * 1000,
      deliveriesPerSec: ((result.sent * config.receivers) / result.elapsedMs) * 1000,
      serverCpuUsPerUpdate: (cpu.user + cpu.system) / result.sent,
      serverElu: elu.utilization,
      clientCpuUsPerUpdate: (result.clientCpuMs * 1000) / result.sent,
    };
    if (from.commits && to.commits && to.commits.commits > from.commits.commits) {
      const count = to.commits.commits - from.commits.commits;
      run.commits = {
        count,
        updatesPerCommit: (to.commits.records - from.commits.records) / count,
        commitMs: (to.commits.seconds - from.commits.seconds) * 1000,
      };
    }
    return run;
  } finally {
    await running.close();
  }
}

function summarize(runs: RelayRun[]): RelaySummary[] {
  return relays.map((relay) => {
    const mine = runs.filter((r) => r.relay === relay).sort((a, b) => a.round - b.round);
    const withCommits = mine.filter((r) => r.commits !== undefined);
    return {
      relay,
      label: RELAY_LABELS[relay],
      updatesPerSec: median(mine.map((r) => r.updatesPerSec)),
      deliveriesPerSec: median(mine.map((r) => r.deliveriesPerSec)),
      perRound: mine.map((r) => r.updatesPerSec),
      ackP50Ms: median(mine.map((r) => r.ackP50Ms)),
      ackP99Ms: median(mine.map((r) => r.ackP99Ms)),
      serverCpuUsPerUpdate: median(mine.map((r) => r.serverCpuUsPerUpdate)),
      serverElu: median(mine.map((r) => r.serverElu)),
      clientElu: median(mine.map((r) => r.clientElu)),
      ...(withCommits.length > 0
        ? {
            updatesPerCommit: median(withCommits.map((r) => r.commits!.updatesPerCommit)),
            commitShareOfWall: median(withCommits.map((r) => r.commits!.commitMs / r.elapsedMs)),
          }
        : {}),
    };
  });
}

function ratios(runs: RelayRun[], summary: RelaySummary[]): Ratio[] {
  const of = (relay: RelayKind) => summary.find((s) => s.relay === relay);
  return RATIOS.flatMap(([num, den, name]) => {
    const a = of(num);
    const b = of(den);
    if (!a || !b) return [];
    const perRound: number[] = [];
    for (let round = 0; round < config.rounds; round++) {
      const x = runs.find((r) => r.relay === num && r.round === round);
      const y = runs.find((r) => r.relay === den && r.round === round);
      if (x && y) perRound.push(x.updatesPerSec / y.updatesPerSec);
    }
    return [
      {
        name,
        throughput: a.updatesPerSec / b.updatesPerSec,
        perRound,
        serverCpuPerUpdate: a.serverCpuUsPerUpdate / b.serverCpuUsPerUpdate,
      },
    ];
  });
}

/** Which side saturated its event loop: the relay, the load generator, or neither. */
const bound = (s: RelaySummary): string =>
  s.serverElu >= 0.9 ? 'relay' : s.clientElu >= 0.9 ? 'clients' : '-';

function report(
  loadavg: number[],
  edits: EditStats,
  summary: RelaySummary[],
  ratioList: Ratio[],
  storage: StorageSummary[],
  storageRuns: StorageRun[],
): string {
  const out: string[] = [];
  out.push(
    `Relay throughput: 1 sender -> ${config.receivers} receivers on one board, ` +
      `${config.window} updates in flight, Yjs updates of ${edits.minBytes}-${edits.maxBytes} B ` +
      `(median ${edits.p50Bytes} B)`,
    `median of ${config.rounds} round(s), relay order rotated each round; ` +
      `deliveries/s = updates/s x ${config.receivers} receivers; ` +
      `relay/client busy = event-loop utilization; bound = side whose event loop was >= 90% busy`,
    `${os.cpus().length} CPUs, load average before the bench ${loadavg.map((x) => x.toFixed(2)).join(' ')} ` +
      `(a busy machine moves absolute figures; compare ratios)`,
    '',
  );
  out.push(
    table(
      [
        'relay',
        'updates/s',
        'deliveries/s',
        'ack p50',
        'ack p99',
        'relay CPU µs/update',
        'relay busy',
        'client busy',
        'bound',
        'updates/s per round',
      ],
      summary.map((s) => [
        s.label,
        fmtInt(s.updatesPerSec),
        fmtInt(s.deliveriesPerSec),
        fmtMs(s.ackP50Ms),
        fmtMs(s.ackP99Ms),
        fmtNum(s.serverCpuUsPerUpdate, 1),
        fmtNum(s.serverElu),
        fmtNum(s.clientElu),
        bound(s),
        s.perRound.map(fmtInt).join(' / '),
      ]),
    ),
  );
  const db = summary.find((s) => s.relay === 'drawbridge');
  if (db?.updatesPerCommit !== undefined) {
    out.push(
      '',
      `drawbridge SQLite (synchronous FULL): ~${fmtNum(db.updatesPerCommit, 1)} updates per group commit; ` +
        `commits took ${fmtNum((db.commitShareOfWall ?? 0) * 100, 1)}% of the measured wall time`,
    );
  }
  if (ratioList.length > 0) {
    out.push('', 'Ratios (throughput: median over median; per round: within each round)', '');
    out.push(
      table(
        ['ratio', 'throughput', 'per round', 'relay CPU per update'],
        ratioList.map((r) => [
          r.name,
          `${fmtNum(r.throughput)}x`,
          r.perRound.map((x) => fmtNum(x)).join(' / '),
          `${fmtNum(r.serverCpuPerUpdate)}x`,
        ]),
      ),
    );
  }
  const group = storage.find((s) => s.mode === 'concurrent');
  const serial = storage.find((s) => s.mode === 'serial');
  out.push(
    '',
    `Storage: SqliteStorage, synchronous FULL, ${config.storage.appends} appends of 60-299 B, ` +
      `median of ${config.storage.rounds} rounds`,
    '',
    table(
      ['mode', 'appends/s', 'commits', 'appends', 'appends/s per round'],
      storage.map((s) => [
        s.label,
        fmtInt(s.appendsPerSec),
        fmtInt(s.commitsPerRun),
        fmtInt(s.appendsPerRun),
        storageRuns
          .filter((r) => r.mode === s.mode)
          .map((r) => fmtInt(r.appendsPerSec))
          .join(' / '),
      ]),
    ),
  );
  for (const s of storage) {
    if (s.appendsPerRun < config.storage.appends) {
      out.push(
        `  (${s.label}: stopped at its ${config.storage.budgetMs / 1000} s budget after ` +
          `${fmtInt(s.appendsPerRun)} of ${config.storage.appends} appends; rate is over those)`,
      );
    }
  }
  if (group && serial) {
    out.push(
      '',
      `group commit / one commit each: ${fmtNum(group.appendsPerSec / serial.appendsPerSec, 1)}x`,
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const t0 = performance.now();
  const loadBefore = os.loadavg();
  const { clients, stats: edits } = await Clients.start(config.warmup + config.count, config.seed);
  const runs: RelayRun[] = [];
  try {
    for (let round = 0; round < config.rounds; round++) {
      for (let position = 0; position < relays.length; position++) {
        const relay = relays[(position + round) % relays.length]!;
        const run = await runRelay(clients, relay, round, position);
        runs.push(run);
        console.error(
          `  round ${round + 1}/${config.rounds} ${RELAY_LABELS[relay].padEnd(24)} ` +
            `${fmtInt(run.updatesPerSec).padStart(7)} updates/s  (${run.sent} updates; ${run.verified})`,
        );
      }
    }
  } finally {
    await clients.stop();
    child = null;
  }
  const storage = await benchStorage(config.storage, tempDirs);
  const summary = summarize(runs);
  const ratioList = ratios(runs, summary);

  console.log('');
  console.log(report(loadBefore, edits, summary, ratioList, storage.summary, storage.runs));
  const totalMs = performance.now() - t0;
  console.log(`\ntotal ${fmtNum(totalMs / 1000, 1)} s; results in ${resultsFile}`);

  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  const group = storage.summary.find((s) => s.mode === 'concurrent')!;
  const serial = storage.summary.find((s) => s.mode === 'serial')!;
  writeFileSync(
    resultsFile,
    `${JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        durationMs: Math.round(totalMs),
        environment: {
          node: process.version,
          platform: `${process.platform} ${os.release()} ${process.arch}`,
          cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model,
          loadavgBefore: loadBefore,
          loadavgAfter: os.loadavg(),
        },
        config: { ...config, relays },
        edits,
        relays: summary,
        ratios: ratioList,
        storage: {
          summary: storage.summary,
          groupOverSerial: group.appendsPerSec / serial.appendsPerSec,
          runs: storage.runs,
        },
        runs,
      },
      null,
      2,
    )}\n`,
  );
}

const deadline = setTimeout(() => {
  console.error(`bench: gave up after ${config.hardDeadlineMs / 1000} s (something hangs)`);
  process.exit(1);
}, config.hardDeadlineMs);
deadline.unref();

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(
      '\nbench FAILED:',
      error instanceof Error ? (error.stack ?? error.message) : error,
    );
    process.exit(1);
  },
);
