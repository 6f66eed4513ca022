import pg from 'pg';
import { MIGRATIONS } from '../postgres/schema.js';
import { CopyError, schemaVersionError } from './CopyError.js';
import type { CopiedTable } from './copiedTables.js';
import { type CopySource, PAGE_BYTES, PAGE_ROWS, type SourcePage } from './copyTypes.js';
import { rollBackAndRelease } from './PostgresTarget.js';

/** bigint columns as numbers (every one Drawbridge stores is far below 2^53), bytea as Buffers. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * A cluster's PostgreSQL database, read for a copy: in one read-only REPEATABLE READ
 * transaction, so the copy is the database as it was at one moment (no node runs on it
 * meanwhile: `DatabaseCopyLock`). Pages are bounded by their data's bytes, which a first
 * query per page reads without the data.
 */
export class PostgresSource implements CopySource {
  readonly damaged: string[] = [];
  readonly #client: pg.PoolClient;

  private constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  static async open(pool: pg.Pool): Promise<PostgresSource> {
    const client = await pool.connect();
    const source = new PostgresSource(client);
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const present = await client.query<{ present: boolean }>(
        "SELECT to_regclass('drawbridge_migrations') IS NOT NULL AS present",
      );
      if (!present.rows[0]!.present) throw new CopyError('the database holds no Drawbridge data');
      const { rows } = await client.query<{ version: number }>(
        'SELECT coalesce(max(version), 0)::int4 AS version FROM drawbridge_migrations',
      );
      const version = rows[0]!.version;
      if (version !== MIGRATIONS.length) {
        throw schemaVersionError('the database', version, MIGRATIONS.length);
      }
      return source;
    } catch (error) {
      await source.close();
      throw error;
    }
  }

  async *pages(table: CopiedTable): AsyncGenerator<SourcePage> {
    const key = table.key.join(', ');
    const after = (first: number) =>
      `(${key}) > (${table.key.map((_, i) => `$${first + i}`).join(', ')})`;
    const size = table.data ? `octet_length(${table.data})` : '0';
    let last: unknown[] | null = null;
    for (;;) {
      const sizes = await this.#query(
        `SELECT ${key}, ${size} FROM ${table.name} ${last ? `WHERE ${after(1)}` : ''}
         ORDER BY ${key} LIMIT ${PAGE_ROWS}`,
        last ?? [],
      );
      if (sizes.length === 0) return;
      let taken = 0;
      let bytes = 0;
      while (taken < sizes.length) {
        const rowBytes = sizes[taken]!.at(-1) as number;
        if (taken > 0 && bytes + rowBytes > PAGE_BYTES) break;
        bytes += rowBytes;
        taken++;
      }
      const upTo = sizes[taken - 1]!.slice(0, table.key.length);
      const bounds = [...(last ?? []), ...upTo];
      const through = `(${key}) <= (${table.key.map((_, i) => `$${(last?.length ?? 0) + 1 + i}`).join(', ')})`;
      const rows = await this.#query(
        `SELECT ${table.columns.join(', ')} FROM ${table.name}
         WHERE ${last ? `${after(1)} AND ` : ''}${through} ORDER BY ${key}`,
        bounds,
      );
      yield { rows, bytes };
      last = upTo;
    }
  }

  async count(table: CopiedTable): Promise<number> {
    const [row] = await this.#query(`SELECT count(*) FROM ${table.name}`, []);
    return row![0] as number;
  }

  async close(): Promise<void> {
    await rollBackAndRelease(this.#client);
  }

  async #query(text: string, values: unknown[]): Promise<unknown[][]> {
    const result = await this.#client.query({ text, values, rowMode: 'array', types });
    return result.rows as unknown[][];
  }
}
