/**
 * What `pnpm copy-storage` holds to before it copies anything: its table list covers both
 * schemas as migrated, column for column, and it refuses a target that holds data, a source of
 * another schema version or without Drawbridge's tables, and two sides of one kind, changing
 * nothing anywhere. (`copy-storage.test.ts` moves a node's data there and back.)
 */
import { copyFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  COPIED_TABLES,
  SQLITE_PARTS_TABLES,
} from '../apps/server/src/storage/copy/copiedTables.js';
import { PostgresStorage } from '../apps/server/src/storage/PostgresStorage.js';
import { SqliteStorage } from '../apps/server/src/storage/SqliteStorage.js';
import { DataFileLock } from '../apps/server/src/storage/sqlite/DataFileLock.js';
import { copyStorage, postgresRows, sqliteRows } from './utils/copyStorage.js';
import { startPostgres } from './utils/postgres.js';
import { dbFile, tempDir } from './utils/server.js';

describe('pnpm copy-storage: what it checks first', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('copies every table of both schemas, column for column', async () => {
    const file = dbFile(tempDir('drawbridge-copy-schema-'));
    await new SqliteStorage({ file }).close();
    const db = new Database(file, { readonly: true });
    const sqliteTables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    const sqliteColumns = (table: string) =>
      (
        db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]
      ).sort();
    const pgServer = await startPostgres();
    cleanups.push(() => pgServer.destroy());
    const url = await pgServer.createDatabase('schema');
    // The schema as a node makes it at its start.
    await (await PostgresStorage.open({ connectionString: url, poolSize: 1 })).close();
    const listed = await pgServer.psql(
      `SELECT table_name || ' ' || column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> 'drawbridge_migrations'`,
      'schema',
    );
    const pgColumns = new Map<string, string[]>();
    for (const line of listed.trim().split('\n')) {
      const [table, column] = line.split(' ') as [string, string];
      pgColumns.set(table, [...(pgColumns.get(table) ?? []), column]);
    }

    const copied = COPIED_TABLES.map((t) => t.name);
    expect(sqliteTables.sort()).toEqual([...copied, ...SQLITE_PARTS_TABLES].sort());
    expect([...pgColumns.keys()].sort()).toEqual([...copied].sort());
    for (const table of COPIED_TABLES) {
      const parts = table.parts ? ['parts', 'token'] : [];
      expect(sqliteColumns(table.name), table.name).toEqual([...table.columns, ...parts].sort());
      expect(pgColumns.get(table.name)!.sort(), table.name).toEqual([...table.columns].sort());
    }
    db.close();
  });

  it('refuses a target that holds data, a source of another schema version or none, changing nothing', async () => {
    const dataDir = tempDir('drawbridge-copy-refusals-');
    const storage = new SqliteStorage({ file: dbFile(dataDir) });
    await storage.append('one', Y.encodeStateAsUpdate(new Y.Doc()));
    await storage.close();
    const pgServer = await startPostgres();
    cleanups.push(() => pgServer.destroy());
    const url = await pgServer.createDatabase('target');

    const first = await copyStorage(['--from', dataDir, '--to', url]);
    expect(first.code, first.stderr).toBe(0);
    const before = await postgresRows(pgServer, 'target');
    const again = await copyStorage(['--from', dataDir, '--to', url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      'the database already holds Drawbridge data (in boards, updates)',
    );
    expect(await postgresRows(pgServer, 'target')).toEqual(before);

    // A file an older version wrote: upgraded by starting that server once, not by the copy.
    const older = path.join(tempDir('drawbridge-copy-older-'), 'old.sqlite');
    copyFileSync(dbFile(dataDir), older);
    const db = new Database(older);
    db.pragma('user_version = 2');
    db.close();
    const fresh = await pgServer.createDatabase('fresh');
    const refused = await copyStorage(['--from', older, '--to', fresh]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /schema version 2, older than this version's \d+: start this version/,
    );
    const missing = await copyStorage(['--from', path.join(dataDir, 'nope.sqlite'), '--to', fresh]);
    expect(missing.stderr).toContain('nope.sqlite does not exist');
    expect(await postgresRows(pgServer, 'fresh').catch(() => 'no tables')).toBe('no tables');

    // The other way: never into an existing file, never from a database without Drawbridge's
    // tables, never between two of a kind.
    const intoExisting = await copyStorage(['--from', url, '--to', dataDir]);
    expect(intoExisting.code).toBe(1);
    expect(intoExisting.stderr).toContain('drawbridge.sqlite exists: copy into a new file');
    expect(sqliteRows(dbFile(dataDir))).toMatchObject({ boards: 1, updates: 1 });
    // Nor into a directory a server is starting on (it holds the file's lock before the file).
    const heldDir = tempDir('drawbridge-copy-held-');
    const held = DataFileLock.take(dbFile(heldDir));
    const intoHeld = await copyStorage(['--from', url, '--to', heldDir]);
    held.release();
    expect(intoHeld.code).toBe(1);
    expect(intoHeld.stderr).toContain('is in use by a running Drawbridge server');
    expect(readdirSync(heldDir)).toEqual(['drawbridge.sqlite.lock']);
    const newDir = tempDir('drawbridge-copy-new-');
    const fromEmpty = await copyStorage(['--from', fresh, '--to', newDir]);
    expect(fromEmpty.stderr).toContain('the database holds no Drawbridge data');
    const twoFiles = await copyStorage(['--from', dataDir, '--to', newDir]);
    expect(twoFiles.stderr).toContain('copy between a SQLite file and a postgresql:// URL');
    expect(readdirSync(newDir)).toEqual([]);
  });
});
