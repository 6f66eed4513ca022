import type pg from 'pg';
import { MIGRATION_LOCK } from '../postgres/schema.js';
import { CopyError } from './CopyError.js';
import type { CopiedTable } from './copiedTables.js';
import type { CopyTarget, TableTally } from './copyTypes.js';

/**
 * The PostgreSQL database a copy writes to, in one transaction on one connection: a copy that
 * fails or is interrupted leaves nothing behind. Nodes starting meanwhile refuse to start
 * (`DatabaseCopyLock`); the transaction also holds the schema-migration lock, so no migration
 * runs under the copy. The database must hold no Drawbridge data: a copy never merges into
 * boards already there.
 */
export class PostgresTarget implements CopyTarget {
  readonly #client: pg.PoolClient;

  private constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  /** Begins the copy's transaction; throws a `CopyError` when the database is not empty. */
  static async begin(pool: pg.Pool, tables: readonly CopiedTable[]): Promise<PostgresTarget> {
    const client = await pool.connect();
    const target = new PostgresTarget(client);
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...MIGRATION_LOCK]);
      const held: string[] = [];
      for (const table of tables) {
        const { rows } = await client.query(`SELECT EXISTS (SELECT 1 FROM ${table.name}) AS any`);
        if (rows[0].any) held.push(table.name);
      }
      if (held.length > 0) {
        throw new CopyError(
          `the database already holds Drawbridge data (in ${held.join(', ')}): copy into an empty database`,
        );
      }
      return target;
    } catch (error) {
      await target.abort();
      throw error;
    }
  }

  /** Inserts one page of rows, values in `table.columns` order. */
  async insert(table: CopiedTable, rows: readonly unknown[][]): Promise<void> {
    if (rows.length === 0) return;
    const width = table.columns.length;
    const tuples = rows.map(
      (_, r) => `(${table.columns.map((_, c) => `$${r * width + c + 1}`).join(', ')})`,
    );
    await this.#client.query(
      `INSERT INTO ${table.name} (${table.columns.join(', ')}) VALUES ${tuples.join(', ')}`,
      rows.flat(),
    );
  }

  /** What the table holds now, in this transaction. */
  async tally(table: CopiedTable): Promise<TableTally> {
    const bytes = table.data ? `coalesce(sum(octet_length(${table.data})), 0)` : '0';
    const { rows } = await this.#client.query(
      `SELECT count(*)::text AS rows, ${bytes}::text AS bytes FROM ${table.name}`,
    );
    return { rows: Number(rows[0].rows), bytes: Number(rows[0].bytes) };
  }

  /** Moves the table's serial past the copied values, so new rows do not collide with them. */
  async advanceSerial(table: CopiedTable): Promise<void> {
    if (!table.serial) return;
    await this.#client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${table.serial}), 0) + 1, false)
       FROM ${table.name}`,
      [table.name, table.serial],
    );
  }

  async commit(): Promise<void> {
    try {
      await this.#client.query('COMMIT');
      this.#client.release();
    } catch (error) {
      this.#client.release(error as Error);
      throw error;
    }
  }

  async abort(): Promise<void> {
    await rollBackAndRelease(this.#client);
  }
}

/** Ends the client's transaction and gives it back (or drops it, which rolls back too). */
export async function rollBackAndRelease(client: pg.PoolClient): Promise<void> {
  try {
    await client.query('ROLLBACK');
    client.release();
  } catch (error) {
    client.release(error as Error);
  }
}
