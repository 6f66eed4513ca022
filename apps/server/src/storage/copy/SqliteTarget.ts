import { existsSync, linkSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DataFileInUseError, DataFileLock } from '../sqlite/DataFileLock.js';
import { migrate } from '../sqlite/SqliteLog.js';
import { CopyError, fileInUseError } from './CopyError.js';
import type { CopiedTable } from './copiedTables.js';
import type { CopyTarget, TableTally } from './copyTypes.js';

/**
 * A new SQLite file a copy writes to, for a single node. It is written as `<file>.partial`, in
 * one transaction, and moved into place once committed, never over a file made meanwhile: a
 * copy that fails or is interrupted leaves no file that a node could open as the whole board
 * set. Large values go in one row each (`parts` 0), which the node reads as it reads any row.
 * An existing file is never written to: a copy never merges boards. The file's lock
 * (`DataFileLock`) is held for the copy, so a server started on the directory meanwhile does
 * not start.
 */
export class SqliteTarget implements CopyTarget {
  readonly #db: Database.Database;
  readonly #partial: string;
  readonly #lock: DataFileLock;

  private constructor(
    readonly file: string,
    partial: string,
    lock: DataFileLock,
  ) {
    this.#partial = partial;
    this.#lock = lock;
    try {
      this.#db = new Database(partial);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  static create(file: string): SqliteTarget {
    if (existsSync(file)) {
      throw new CopyError(`${file} exists: copy into a new file (a copy never merges boards)`);
    }
    mkdirSync(path.dirname(file), { recursive: true });
    const lock = lockTarget(file);
    const partial = `${file}.partial`;
    removeDatabase(partial); // left by a copy that was interrupted
    const target = new SqliteTarget(file, partial, lock);
    try {
      target.#db.pragma('journal_mode = WAL');
      target.#db.pragma('synchronous = FULL');
      migrate(target.#db, partial);
      target.#db.exec('BEGIN IMMEDIATE');
      return target;
    } catch (error) {
      target.#drop();
      throw error;
    }
  }

  insert(table: CopiedTable, rows: readonly unknown[][]): void {
    const insert = this.#db.prepare(
      `INSERT INTO ${table.name} (${table.columns.join(', ')})
       VALUES (${table.columns.map(() => '?').join(', ')})`,
    );
    for (const row of rows) insert.run(row);
  }

  tally(table: CopiedTable): TableTally {
    const bytes = table.data ? `coalesce(sum(length(${table.data})), 0)` : '0';
    const row = this.#db
      .prepare(`SELECT count(*) AS rows, ${bytes} AS bytes FROM ${table.name}`)
      .get() as TableTally;
    return { rows: row.rows, bytes: row.bytes };
  }

  /** SQLite's AUTOINCREMENT already counts from the largest id inserted. */
  advanceSerial(): void {}

  async commit(): Promise<void> {
    this.#db.exec('COMMIT');
    // The only connection closes last: the WAL is folded in and removed, the file stands alone.
    this.#db.close();
    // Linked, not renamed: a file made meanwhile (a server started on the directory) stays.
    try {
      linkSync(this.#partial, this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw new CopyError(
        `${this.file} appeared during the copy (a server started on it?): stop it, remove the file, and copy again`,
      );
    }
    rmSync(this.#partial);
    this.#lock.release();
  }

  async abort(): Promise<void> {
    this.#drop();
  }

  #drop(): void {
    try {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      this.#db.close();
    } catch {
      // closed already
    }
    removeDatabase(this.#partial);
    this.#lock.release();
  }
}

/** The target's lock: CopyError when a server (or another copy) holds it. */
function lockTarget(file: string): DataFileLock {
  try {
    return DataFileLock.take(file);
  } catch (error) {
    if (!(error instanceof DataFileInUseError)) throw error;
    throw fileInUseError(file, error);
  }
}

function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal'])
    rmSync(`${file}${suffix}`, { force: true });
}
