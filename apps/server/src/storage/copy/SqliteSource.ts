import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { DataFileInUseError, DataFileLock } from '../sqlite/DataFileLock.js';
import { MIGRATIONS } from '../sqlite/schema.js';
import { CopyError, fileInUseError, schemaVersionError } from './CopyError.js';
import type { CopiedTable } from './copiedTables.js';
import { type CopySource, PAGE_BYTES, PAGE_ROWS, type SourcePage } from './copyTypes.js';

/** The size of one part (snapshots', images' and versions' parts are all this size). */
const PART_BYTES = 256 * 1024;

/**
 * A Drawbridge SQLite file, read for a copy: opened read-only, at this version's schema, and
 * read in one transaction, so the copy is the database as it was at one moment. A server still
 * writing to it would go on past that moment, so the file's lock (`DataFileLock`) is held for
 * the copy: a file a server holds is refused, and a server started meanwhile does not start. Values kept in parts are joined
 * back; a row whose parts are not all there, or whose data is not bytes (a damaged file), is
 * copied as it reads and named in `damaged`: its checksum then fails where it is copied to,
 * and the server there skips it as this one did.
 */
export class SqliteSource implements CopySource {
  readonly #db: Database.Database;
  readonly #lock: DataFileLock | null;
  readonly damaged: string[] = [];

  constructor(readonly file: string) {
    if (!existsSync(file)) throw new CopyError(`${file} does not exist`);
    this.#lock = lockSource(file);
    try {
      this.#db = new Database(file, { readonly: true, fileMustExist: true });
      this.#db.pragma('busy_timeout = 5000');
    } catch (error) {
      this.#lock?.release();
      throw new CopyError(`cannot open ${file}: ${(error as Error).message}`, { cause: error });
    }
    const version = this.#db.pragma('user_version', { simple: true }) as number;
    if (version !== MIGRATIONS.length) {
      this.close();
      throw schemaVersionError(file, version, MIGRATIONS.length);
    }
    // One read transaction for the whole copy; the first read fixes what it sees.
    this.#db.exec('BEGIN');
    this.#db.prepare('SELECT count(*) FROM boards').pluck().get();
  }

  /** Rows in the table now (in this read transaction): the copy's count is checked with it. */
  count(table: CopiedTable): number {
    return this.#db.prepare(`SELECT count(*) FROM ${table.name}`).pluck().get() as number;
  }

  /** The table's rows in key order, a bounded page at a time. */
  *pages(table: CopiedTable): Generator<SourcePage> {
    const columns = [...table.columns, ...(table.parts ? ['parts', 'token'] : [])];
    const select = (after: boolean) =>
      this.#db
        .prepare(
          `SELECT ${columns.join(', ')} FROM ${table.name}
           ${after ? `WHERE (${table.key.join(', ')}) > (${table.key.map(() => '?').join(', ')})` : ''}
           ORDER BY ${table.key.join(', ')} LIMIT ${PAGE_ROWS}`,
        )
        .raw();
    const first = select(false);
    const next = select(true);
    const keyAt = table.key.map((k) => columns.indexOf(k));
    const dataAt = table.data ? columns.indexOf(table.data) : -1;
    const partsAt = columns.indexOf('parts');
    let last: unknown[] | null = null;
    for (;;) {
      const rows: unknown[][] = [];
      let bytes = 0;
      const iterator = (last ? next.iterate(...last) : first.iterate()) as Iterable<unknown[]>;
      for (const row of iterator) {
        rows.push(row);
        if (dataAt >= 0) bytes += byteLength(row[dataAt]);
        if (partsAt >= 0) bytes += (row[partsAt] as number) * PART_BYTES;
        // Breaking off closes the statement; the next page starts after the last row taken.
        if (bytes >= PAGE_BYTES) break;
      }
      if (rows.length === 0) return;
      last = keyAt.map((i) => rows[rows.length - 1]![i]);
      if (table.parts) bytes = this.#joinParts(table, rows, columns);
      if (dataAt >= 0) this.#asBytes(table, rows, dataAt);
      yield { rows: rows.map((row) => row.slice(0, table.columns.length)), bytes };
    }
  }

  close(): void {
    try {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      this.#db.close();
    } finally {
      this.#lock?.release();
    }
  }

  /** Puts each row's parts, joined, in its data column; returns the page's data bytes. */
  #joinParts(table: CopiedTable, rows: unknown[][], columns: string[]): number {
    const { parts } = table;
    const dataAt = columns.indexOf(table.data!);
    const partsAt = columns.indexOf('parts');
    const tokenAt = columns.indexOf('token');
    const boardAt = columns.indexOf('board_id');
    const select = this.#db
      .prepare(
        `SELECT data FROM ${parts!.table}
         WHERE ${parts!.byBoard ? 'board_id = ? AND ' : ''}token = ? ORDER BY idx`,
      )
      .pluck();
    let bytes = 0;
    for (const row of rows) {
      const expected = row[partsAt] as number;
      if (expected > 0) {
        const token = row[tokenAt];
        const found = (
          parts!.byBoard ? select.all(row[boardAt], token) : select.all(token)
        ) as unknown[];
        if (found.length !== expected) {
          this.damaged.push(
            `${table.name} ${describe(table, row, columns)}: ${found.length} of ${expected} parts`,
          );
        }
        row[dataAt] = Buffer.concat(found.map(toBuffer));
      }
      bytes += byteLength(row[dataAt]);
    }
    return bytes;
  }

  /** Data that is not bytes (NULL or text in a damaged file) is copied as the bytes it reads as. */
  #asBytes(table: CopiedTable, rows: unknown[][], dataAt: number): void {
    for (const row of rows) {
      if (row[dataAt] instanceof Uint8Array) continue;
      this.damaged.push(`${table.name} ${describe(table, row, table.columns)}: data is not bytes`);
      row[dataAt] = toBuffer(row[dataAt]);
    }
  }
}

const toBuffer = (value: unknown): Buffer =>
  value instanceof Uint8Array
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    : Buffer.from(value === null || value === undefined ? '' : String(value));

const byteLength = (value: unknown): number =>
  value instanceof Uint8Array ? value.byteLength : toBuffer(value).byteLength;

const describe = (table: CopiedTable, row: unknown[], columns: readonly string[]): string =>
  table.key.map((k) => `${k}=${String(row[columns.indexOf(k)])}`).join(' ');

/**
 * The source's lock: CopyError when a server holds it. A file whose lock cannot be made (a
 * backup on read-only media) is read without it, as no server can be writing beside it.
 */
function lockSource(file: string): DataFileLock | null {
  try {
    return DataFileLock.take(file);
  } catch (error) {
    if (!(error instanceof DataFileInUseError)) return null;
    throw fileInUseError(file, error);
  }
}
