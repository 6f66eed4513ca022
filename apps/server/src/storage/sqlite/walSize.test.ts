/**
 * The WAL stays small: it is copied back into the database (checkpointed) once it passes
 * `WAL_AUTOCHECKPOINT_PAGES`, so no single commit pays for a large copy. Bytes on disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { SqliteStorage } from '../SqliteStorage.js';
import { tempDir, withConnection } from '../testing/sqliteFile.js';
import { WAL_AUTOCHECKPOINT_PAGES } from './SqliteLog.js';

/** About 4 WAL pages per commit: some 2,400 pages written, more than twice SQLite's default threshold. */
const COMMITS = 600;
const PER_COMMIT = 30;

it('keeps the WAL near its checkpoint size while the commits write several times that', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'boards.db');
  const storage = new SqliteStorage({ file });
  try {
    for (let c = 0; c < COMMITS; c++) {
      // Appends of one turn share a commit: one transaction of PER_COMMIT records each time.
      await Promise.all(
        Array.from({ length: PER_COMMIT }, (_, i) =>
          storage.append('board-1', new Uint8Array(200).fill((c + i) % 251)),
        ),
      );
    }
    const pageSize = withConnection(file, (db) => db.pragma('page_size', { simple: true }));
    const pages = (bytes: number) => bytes / (pageSize as number);
    // The WAL file is reused from its start after each checkpoint, so its size is the most it
    // ever held: the threshold plus the commit that crossed it.
    expect(pages(fs.statSync(`${file}-wal`).size)).toBeLessThan(WAL_AUTOCHECKPOINT_PAGES + 32);
    expect((await storage.stats('board-1')).updates).toBe(COMMITS * PER_COMMIT);
  } finally {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
