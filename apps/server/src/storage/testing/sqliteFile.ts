import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStorage } from '../SqliteStorage.js';

/** A second connection to the same file, as an outside process damaging it would have. */
export function withConnection<T>(file: string, run: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    return run(db);
  } finally {
    db.close();
  }
}

/**
 * Makes the file record, in commit order, the appends to board `other` ('append'), the parts
 * written to `parts` ('part') and the rows inserted into `rows` (`rowLabel`): what a large
 * write let commit between its parts. Returns a reader of that order.
 */
export function recordWriteOrder(
  file: string,
  parts: 'snapshot_parts' | 'version_parts',
  rows: 'snapshots' | 'versions',
  rowLabel: string,
): () => string[] {
  withConnection(file, (db) =>
    db.exec(`
      CREATE TABLE write_order (n INTEGER PRIMARY KEY, what TEXT NOT NULL);
      CREATE TRIGGER log_append AFTER INSERT ON updates WHEN NEW.board_id = 'other'
        BEGIN INSERT INTO write_order (what) VALUES ('append'); END;
      CREATE TRIGGER log_part AFTER INSERT ON ${parts}
        BEGIN INSERT INTO write_order (what) VALUES ('part'); END;
      CREATE TRIGGER log_row AFTER INSERT ON ${rows}
        BEGIN INSERT INTO write_order (what) VALUES ('${rowLabel}'); END;`),
  );
  return () =>
    withConnection(file, (db) =>
      db.prepare<[], string>('SELECT what FROM write_order ORDER BY n').pluck().all(),
    );
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'drawbridge-'));
}

/** A storage on a file of its own, closed and removed after `run`. */
export async function withSqliteStorage(
  run: (storage: SqliteStorage, file: string) => Promise<void>,
): Promise<void> {
  const dir = tempDir();
  const file = path.join(dir, 'boards.db');
  const storage = new SqliteStorage({ file });
  try {
    await run(storage, file);
  } finally {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
