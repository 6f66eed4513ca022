import pg from 'pg';
import { migrate } from '../postgres/schema.js';
import { CopyError } from './CopyError.js';
import { COPIED_TABLES, type CopiedTable } from './copiedTables.js';
import type { CopySource, CopyTarget, TableTally } from './copyTypes.js';
import { DatabaseCopyLock } from './DatabaseCopyLock.js';
import { PostgresSource } from './PostgresSource.js';
import { PostgresTarget } from './PostgresTarget.js';
import { SqliteSource } from './SqliteSource.js';
import { SqliteTarget } from './SqliteTarget.js';

export interface CopyOptions {
  /** A `postgresql://` URL, or a SQLite file (`DATA_DIR/drawbridge.sqlite`). */
  from: string;
  /** The same; one side is SQLite and the other PostgreSQL. */
  to: string;
  /** Told as each table is copied. */
  onTable?: (table: string, copied: TableTally) => void;
}

export interface CopyReport {
  tables: Record<string, TableTally>;
  /** Rows that were damaged where they were read, copied as they read. */
  damaged: string[];
  ms: number;
}

export const isPostgresUrl = (where: string): boolean => /^postgres(ql)?:\/\//i.test(where);

/**
 * Copies everything a Drawbridge server keeps (boards with their logs and snapshots, links and
 * revocations, images, versions, editors) between a single node's SQLite file and a cluster's
 * PostgreSQL database, either way: to grow a node into a cluster, or to bring a cluster's data
 * back to one node. The source is read in one transaction (the database at one moment: stop its
 * servers first: the copy refuses a side that a server holds, and holds both sides against
 * servers starting meanwhile); the target, which must hold no Drawbridge data, is written in one
 * transaction, committed only once every table's rows and bytes there equal the source's.
 */
export async function copyStorage(options: CopyOptions): Promise<CopyReport> {
  const started = performance.now();
  const toPostgres = isPostgresUrl(options.to);
  if (toPostgres === isPostgresUrl(options.from)) {
    throw new CopyError(
      'copy between a SQLite file and a postgresql:// URL (to copy one PostgreSQL database to another, use pg_dump)',
    );
  }
  const url = toPostgres ? options.to : options.from;
  const pool = new pg.Pool({
    connectionString: url,
    max: 1,
    connectionTimeoutMillis: 10_000,
    application_name: 'drawbridge-copy',
  });
  pool.on('error', () => undefined);
  const reaching = (error: unknown): never => {
    if (error instanceof CopyError) throw error;
    throw new CopyError(`PostgreSQL at ${redacted(url)}: ${(error as Error).message}`, {
      cause: error,
    });
  };
  let source: CopySource | null = null;
  let held: DatabaseCopyLock | null = null;
  try {
    // A SQLite source is checked (and locked) first: a running server there is the likelier miss.
    if (toPostgres) source = new SqliteSource(options.from);
    held = await DatabaseCopyLock.take(url).catch(reaching);
    source ??= await PostgresSource.open(pool).catch(reaching);
    // A PostgreSQL target gets the schema its nodes would make, or check, at their start.
    if (toPostgres) await migrate(pool).catch(reaching);
    const target: CopyTarget = toPostgres
      ? await PostgresTarget.begin(pool, COPIED_TABLES).catch(reaching)
      : SqliteTarget.create(options.to);
    const tables: Record<string, TableTally> = {};
    try {
      for (const table of COPIED_TABLES) {
        tables[table.name] = await copyTable(source, target, table);
        options.onTable?.(table.name, tables[table.name]!);
      }
      await target.commit();
    } catch (error) {
      await target.abort();
      throw error;
    }
    return { tables, damaged: source.damaged, ms: performance.now() - started };
  } finally {
    await source?.close();
    await pool.end();
    await held?.release();
  }
}

async function copyTable(
  source: CopySource,
  target: CopyTarget,
  table: CopiedTable,
): Promise<TableTally> {
  const read: TableTally = { rows: 0, bytes: 0 };
  for await (const page of source.pages(table)) {
    await target.insert(table, page.rows);
    read.rows += page.rows.length;
    read.bytes += page.bytes;
  }
  await target.advanceSerial(table);
  // Every row the source holds was read, and the target holds exactly what was read.
  const inSource = await source.count(table);
  const written = await target.tally(table);
  if (read.rows !== inSource || written.rows !== read.rows || written.bytes !== read.bytes) {
    throw new CopyError(
      `${table.name}: the source holds ${inSource} rows; ${read.rows} rows (${read.bytes} bytes) were read and the target holds ${written.rows} (${written.bytes} bytes); nothing was copied`,
    );
  }
  return written;
}

/** The URL without its password, for messages. */
export function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unreadable URL)';
  }
}
