/**
 * `pnpm copy-storage`: moves a single node's data to PostgreSQL, to run it as a cluster.
 *
 *   pnpm copy-storage [--from <file or data dir>] [--to <postgresql url>]
 *
 * `--from` defaults to `DATA_DIR/drawbridge.sqlite` (DATA_DIR: ./data), `--to` to DATABASE_URL.
 * Stop the node first. The database must be empty (or not have Drawbridge's tables yet); the
 * copy is one transaction, checked table by table before it commits.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CopyError } from '../storage/copy/CopyError.js';
import { copySqliteToPostgres, redacted } from '../storage/copy/copySqliteToPostgres.js';
import { CliError, runCli, UsageError } from './adminClient.js';

const USAGE = `usage:
  pnpm copy-storage [--from <sqlite file or data dir>] [--to <postgresql url>]
defaults: --from $DATA_DIR/drawbridge.sqlite (DATA_DIR: ./data), --to $DATABASE_URL`;

const SQLITE_FILE = 'drawbridge.sqlite';

function sourceFile(from: string | undefined): string {
  const given = from ?? path.join(process.env.DATA_DIR ?? 'data', SQLITE_FILE);
  try {
    return statSync(given).isDirectory() ? path.join(given, SQLITE_FILE) : given;
  } catch {
    return given; // the copy says it does not exist
  }
}

const size = (bytes: number): string =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : bytes >= 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${bytes} B`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected ${positionals.join(' ')}`);
  const from = sourceFile(values.from);
  const to = values.to ?? process.env.DATABASE_URL;
  if (!to) throw new UsageError('give the PostgreSQL database: --to, or DATABASE_URL');
  console.log(`copying ${from} to ${redacted(to)}`);

  try {
    const report = await copySqliteToPostgres({
      from,
      to,
      onTable: (table, { rows, bytes }) =>
        console.log(`  ${table}: ${rows} rows${bytes > 0 ? `, ${size(bytes)}` : ''}`),
    });
    for (const line of report.damaged.slice(0, 20)) console.log(`  damaged in the file: ${line}`);
    if (report.damaged.length > 20) console.log(`  ... ${report.damaged.length - 20} more`);
    const boards = report.tables.boards?.rows ?? 0;
    console.log(
      `copied ${boards} boards in ${(report.ms / 1000).toFixed(1)} s; every table's rows and bytes in PostgreSQL match the file`,
    );
  } catch (error) {
    if (error instanceof CopyError) throw new CliError(error.message);
    throw error;
  }
}

runCli('copy-storage', USAGE, main);
