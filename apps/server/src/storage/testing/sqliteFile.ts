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
