import pg from 'pg';
import { migrate } from '../postgres/schema.js';
import { CopyError } from './CopyError.js';
import { COPIED_TABLES, type CopiedTable } from './copiedTables.js';
import { PostgresTarget, type TableTally } from './PostgresTarget.js';
import { SqliteSource } from './SqliteSource.js';

export interface CopyOptions {
  /** The single node's SQLite file (`DATA_DIR/drawbridge.sqlite`). */
  from: string;
  /** The PostgreSQL database the cluster will use (`DATABASE_URL`): empty, or not created yet. */
  to: string;
  /** Told as each table is copied. */
  onTable?: (table: string, copied: TableTally) => void;
}

export interface CopyReport {
  tables: Record<string, TableTally>;
  /** Rows that were damaged in the file, copied as they read (see `SqliteSource`). */
  damaged: string[];
  ms: number;
}

/**
 * Copies everything a single node keeps (boards with their logs and snapshots, links and
 * revocations, images, versions, editors) from its SQLite file into an empty PostgreSQL
 * database, to move it to a cluster. All or nothing: one PostgreSQL transaction, committed only
 * once every table's rows and bytes there equal the file's, read in one SQLite transaction.
 * Stop the node first: what it writes after the copy's read began is not copied.
 */
export async function copySqliteToPostgres(options: CopyOptions): Promise<CopyReport> {
  const started = performance.now();
  const source = new SqliteSource(options.from);
  const pool = new pg.Pool({
    connectionString: options.to,
    max: 1,
    connectionTimeoutMillis: 10_000,
    application_name: 'drawbridge-copy',
  });
  pool.on('error', () => undefined);
  try {
    // The schema the cluster's nodes would create, or check, at their start.
    await migrate(pool).catch((error: unknown) => {
      throw new CopyError(`PostgreSQL at ${redacted(options.to)}: ${(error as Error).message}`, {
        cause: error,
      });
    });
    const target = await PostgresTarget.begin(pool, COPIED_TABLES);
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
    source.close();
    await pool.end();
  }
}

async function copyTable(
  source: SqliteSource,
  target: PostgresTarget,
  table: CopiedTable,
): Promise<TableTally> {
  const read: TableTally = { rows: 0, bytes: 0 };
  for (const page of source.pages(table)) {
    await target.insert(table, page.rows);
    read.rows += page.rows.length;
    read.bytes += page.bytes;
  }
  await target.advanceSerial(table);
  // Every row the file holds was read, and PostgreSQL holds exactly what was read.
  const inFile = source.count(table);
  const written = await target.tally(table);
  if (read.rows !== inFile || written.rows !== read.rows || written.bytes !== read.bytes) {
    throw new CopyError(
      `${table.name}: the file holds ${inFile} rows; ${read.rows} rows (${read.bytes} bytes) were read and PostgreSQL holds ${written.rows} (${written.bytes} bytes); nothing was copied`,
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
