import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { COPIED_TABLES } from './copiedTables.js';
import { SqliteTarget } from './SqliteTarget.js';

const boards = COPIED_TABLES.find((t) => t.name === 'boards')!;
const newFile = () =>
  path.join(mkdtempSync(path.join(os.tmpdir(), 'drawbridge-target-')), 'x.sqlite');

describe('SqliteTarget', () => {
  it('moves the committed copy into place, and leaves nothing else behind', async () => {
    const file = newFile();
    const target = SqliteTarget.create(file);
    target.insert(boards, [['one', 3, 1000, 'First']]);
    expect(target.tally(boards)).toEqual({ rows: 1, bytes: 0 });
    expect(existsSync(file)).toBe(false);
    await target.commit();
    expect(existsSync(`${file}.partial`)).toBe(false);
    expect(existsSync(`${file}-wal`)).toBe(false);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT * FROM boards').all()).toEqual([
      { board_id: 'one', last_seq: 3, updated_at: 1000, name: 'First' },
    ]);
    db.close();
  });

  it('never writes over a file made while it copied, and an abort leaves nothing', async () => {
    const file = newFile();
    const target = SqliteTarget.create(file);
    target.insert(boards, [['one', 3, 1000, 'First']]);
    writeFileSync(file, 'a server made this');
    await expect(target.commit()).rejects.toThrow(/appeared during the copy/);
    await target.abort();
    expect(readFileSync(file, 'utf8')).toBe('a server made this');
    expect(existsSync(`${file}.partial`)).toBe(false);
    expect(() => SqliteTarget.create(file)).toThrow(/exists: copy into a new file/);
  });
});
