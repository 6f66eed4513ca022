/**
 * PostgresStorage append figures against a private PostgreSQL (fsync on), with SQLite measured in
 * the same run for scale: appends/s, ack latency and commit latency, for one appender, 50
 * concurrent appenders on 50 boards, 50 on one board, and two nodes on one database with 25
 * appenders each on 25 shared boards (every board written by both nodes).
 *
 * Usage: npx tsx tests/bench/postgresStorage.ts [--seconds=3]
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CommitInfo } from '../../apps/server/src/storage/GroupCommitQueue.js';
import { PostgresStorage } from '../../apps/server/src/storage/PostgresStorage.js';
import { SqliteStorage } from '../../apps/server/src/storage/SqliteStorage.js';
import type { Storage } from '../../apps/server/src/storage/Storage.js';
import { startPostgres } from '../utils/postgres.js';
import { tempDir } from '../utils/server.js';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { seconds: { type: 'string', default: '3' } },
});
const SECONDS = Number(args.seconds);
/** A typical stroke update's size. */
const UPDATE = new Uint8Array(200).fill(7);

interface Scenario {
  name: string;
  /** Appenders per node; node n's appender a writes `board(n, a)`. */
  appenders: number;
  nodes: number;
  board: (node: number, appender: number) => string;
}

const SCENARIOS: Scenario[] = [
  { name: '1 appender', appenders: 1, nodes: 1, board: () => 'solo' },
  { name: '50 appenders, 50 boards', appenders: 50, nodes: 1, board: (_, a) => `board-${a}` },
  { name: '50 appenders, 1 board', appenders: 50, nodes: 1, board: () => 'hot' },
  {
    name: '2 nodes x 25, 25 shared boards',
    appenders: 25,
    nodes: 2,
    board: (_, a) => `shared-${a}`,
  },
];

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const ms = (seconds: number) => `${(seconds * 1000).toFixed(2)} ms`;

async function measure(
  scenario: Scenario,
  open: (onCommit: (info: CommitInfo) => void) => Promise<Storage>,
) {
  const commits: CommitInfo[] = [];
  const nodes = await Promise.all(
    Array.from({ length: scenario.nodes }, () => open((info) => commits.push(info))),
  );
  // Warm up: learn every board, start connections.
  await Promise.all(
    nodes.flatMap((node, n) =>
      Array.from({ length: scenario.appenders }, (_, a) =>
        node.append(scenario.board(n, a), UPDATE),
      ),
    ),
  );
  commits.length = 0;
  const acks: number[] = [];
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    nodes.flatMap((node, n) =>
      Array.from({ length: scenario.appenders }, async (_, a) => {
        while (performance.now() < deadline) {
          const t = performance.now();
          await node.append(scenario.board(n, a), UPDATE);
          acks.push((performance.now() - t) / 1000);
        }
      }),
    ),
  );
  const elapsed = (performance.now() - started) / 1000;
  const stats = nodes.map((node) =>
    node instanceof PostgresStorage ? node.appendStats : undefined,
  );
  await Promise.all(nodes.map((node) => node.close()));
  acks.sort((a, b) => a - b);
  const commitSeconds = commits.map((c) => c.seconds).sort((a, b) => a - b);
  return {
    appendsPerSecond: Math.round(acks.length / elapsed),
    ackP50: ms(quantile(acks, 0.5)),
    ackP99: ms(quantile(acks, 0.99)),
    commitP50: ms(quantile(commitSeconds, 0.5)),
    commitP99: ms(quantile(commitSeconds, 0.99)),
    recordsPerCommit: (acks.length / Math.max(1, commits.length)).toFixed(1),
    paths: stats[0]
      ? stats
          .map((s) => `fast ${s!.fast} / locked ${s!.locked} / retries ${s!.conflictRetries}`)
          .join('; ')
      : '',
  };
}

async function main() {
  const server = await startPostgres();
  const dir = tempDir('drawbridge-bench-');
  try {
    const rows: Record<string, unknown>[] = [];
    for (const [i, scenario] of SCENARIOS.entries()) {
      const url = await server.createDatabase(`bench_${i}`);
      rows.push({
        backend: 'postgres',
        scenario: scenario.name,
        ...(await measure(scenario, (onCommit) =>
          PostgresStorage.open({ connectionString: url, onCommit }),
        )),
      });
      const file = path.join(dir, `bench-${i}.db`);
      rows.push({
        backend: 'sqlite',
        scenario: scenario.name,
        ...(await measure(scenario, async (onCommit) => new SqliteStorage({ file, onCommit }))),
      });
    }
    console.table(rows);
  } finally {
    await server.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
