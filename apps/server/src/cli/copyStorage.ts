/**
 * `pnpm copy-storage`: moves a server's data between a single node's SQLite file and a cluster's
 * PostgreSQL database, either way.
 *
 *   pnpm copy-storage [--from <sqlite file or data dir | postgresql url>] [--to <the other>]
 *
 * `--from` defaults to `DATA_DIR/drawbridge.sqlite` (DATA_DIR: ./data), `--to` to DATABASE_URL.
 * An existing directory stands for the `drawbridge.sqlite` in it. Stop the servers first. The
 * target must hold no Drawbridge data (a new SQLite file; an empty database); the copy is one
 * transaction, checked table by table before it commits.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CopyError } from '../storage/copy/CopyError.js';
import { copyStorage, isPostgresUrl, redacted } from '../storage/copy/copyStorage.js';
import { CliError, runCli, UsageError } from './adminClient.js';

const USAGE = `usage:
  pnpm copy-storage [--from <sqlite file or data dir>] [--to <postgresql url>]
  pnpm copy-storage --from <postgresql url> --to <new sqlite file or data dir>
defaults: --from $DATA_DIR/drawbridge.sqlite (DATA_DIR: ./data), --to $DATABASE_URL`;

const SQLITE_FILE = 'drawbridge.sqlite';

/** A SQLite side: the file given, or the one in the directory given. */
function sqliteFile(given: string): string {
  try {
    return statSync(given).isDirectory() ? path.join(given, SQLITE_FILE) : given;
  } catch {
    return given; // a file to read (the copy says it does not exist) or to make
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
  const side = (where: string) => (isPostgresUrl(where) ? where : sqliteFile(where));
  const from = side(values.from ?? path.join(process.env.DATA_DIR ?? 'data', SQLITE_FILE));
  const toGiven = values.to ?? process.env.DATABASE_URL;
  if (!toGiven) throw new UsageError('give where to copy to: --to, or DATABASE_URL');
  const to = side(toGiven);
  const shown = (where: string) => (isPostgresUrl(where) ? redacted(where) : where);
  console.log(`copying ${shown(from)} to ${shown(to)}`);

  try {
    const report = await copyStorage({
      from,
      to,
      onTable: (table, { rows, bytes }) =>
        console.log(`  ${table}: ${rows} rows${bytes > 0 ? `, ${size(bytes)}` : ''}`),
    });
    for (const line of report.damaged.slice(0, 20)) console.log(`  damaged at the source: ${line}`);
    if (report.damaged.length > 20) console.log(`  ... ${report.damaged.length - 20} more`);
    const boards = report.tables.boards?.rows ?? 0;
    console.log(
      `copied ${boards} boards in ${(report.ms / 1000).toFixed(1)} s; every table's rows and bytes match the source's`,
    );
  } catch (error) {
    if (error instanceof CopyError) throw new CliError(error.message);
    throw error;
  }
}

runCli('copy-storage', USAGE, main);
