import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** Another process holds the data file's lock (`DataFileLock`). */
export class DataFileInUseError extends Error {
  override readonly name = 'DataFileInUseError';

  constructor(readonly file: string) {
    super(
      `${file} is in use by another Drawbridge process (a server, or pnpm copy-storage). Two servers on one SQLite file would each keep their own copy of every board and silently drift apart: stop the other one first, or give this one another DATA_DIR (several nodes share a board through DATABASE_URL and REDIS_URL instead).`,
    );
  }
}

/**
 * One Drawbridge process at a time on a SQLite data file: a server holds its file's lock from
 * before it opens the file until it stops, and `pnpm copy-storage` holds it while it reads or
 * writes one. The lock is SQLite's own exclusive lock on a small file beside the data file
 * (`<file>.lock`, held by a connection in exclusive locking mode), so the operating system
 * releases it when its process ends, however it ends: a `kill -9` leaves no stale lock. The
 * file is never deleted: a process could otherwise lock a file that another had just unlinked.
 */
export class DataFileLock {
  readonly #db: Database.Database;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /** The lock of `file` (a database file): throws `DataFileInUseError` when another holds it. */
  static take(file: string): DataFileLock {
    const lockFile = `${file}.lock`;
    mkdirSync(path.dirname(lockFile), { recursive: true });
    const db = new Database(lockFile, { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      // In exclusive locking mode the lock a transaction takes is kept after it ends.
      db.exec('BEGIN EXCLUSIVE; COMMIT');
    } catch (error) {
      db.close();
      if ((error as { code?: unknown }).code === 'SQLITE_BUSY') throw new DataFileInUseError(file);
      throw error;
    }
    return new DataFileLock(db);
  }

  /** Lets another process take the lock. */
  release(): void {
    if (this.#db.open) this.#db.close();
  }
}
