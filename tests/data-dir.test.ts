/**
 * What a server does with its SQLite data directory at start, with real server processes. One
 * server per directory: a second server started on a directory a server is using refuses to
 * start, with a message that says why, and the first goes on serving; `pnpm copy-storage`
 * refuses to copy a file a server is using; a server killed with SIGKILL leaves no stale lock
 * behind. Two servers on one file would each keep their own copy of every board and drift apart
 * without a word. A file it cannot use is refused in one line, and left as it was.
 */

import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { copyStorage } from './utils/copyStorage.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { killAllServers, spawnServer } from './utils/process.js';
import { dbFile, tempDir } from './utils/server.js';

describe('a server and its data directory', () => {
  let peers: Peer[] = [];
  afterEach(async () => {
    destroyAll(peers);
    peers = [];
    await killAllServers();
  });
  const peer = (url: string, boardId: string) => {
    const created = connectPeer(url, boardId);
    peers.push(created);
    return created;
  };

  it('refuses a second server and a copy while a server runs on it; kill -9 leaves no stale lock', async () => {
    const dataDir = tempDir('drawbridge-lock-');
    const first = await spawnServer({ dataDir });
    const writer = peer(first.url, 'plan');
    await whenLive(writer);
    writer.doc.getMap('shapes').set('a', 1);
    await whenSaved(writer);

    const second = await spawnServer({ dataDir }).then(
      () => null,
      (error: Error) => error.message,
    );
    expect(second).toMatch(/exited \(code 2, signal null\) before listening/);
    expect(second).toContain(`drawbridge: ${dbFile(dataDir)} is in use by another Drawbridge`);
    expect(second).toContain('give this one another DATA_DIR');

    // Refused before it reaches PostgreSQL: no database is needed to see it.
    const copy = await copyStorage(['--from', dataDir, '--to', 'postgresql://127.0.0.1:9/none']);
    expect(copy.code).toBe(1);
    expect(copy.stderr).toContain('is in use by a running Drawbridge server');

    // The first server was not disturbed: it still takes edits and serves them.
    writer.doc.getMap('shapes').set('b', 2);
    await whenSaved(writer);
    const reader = peer(first.url, 'plan');
    await expectConverged([writer.doc, reader.doc]);

    await first.kill('SIGKILL');
    destroyAll(peers);
    peers = [];
    const next = await spawnServer({ dataDir });
    const after = peer(next.url, 'plan');
    await whenLive(after);
    expect(after.doc.getMap('shapes').toJSON()).toEqual({ a: 1, b: 2 });
    // A server stopped cleanly lets go too: the copy now gets as far as PostgreSQL.
    await next.kill('SIGTERM');
    const later = await copyStorage(['--from', dataDir, '--to', 'postgresql://127.0.0.1:9/none']);
    expect(later.code).toBe(1);
    expect(later.stderr).toContain('PostgreSQL at postgresql://127.0.0.1:9/none');
  });

  it('refuses a file it cannot use in one line (exit code 2), and leaves it as it was', async () => {
    const refusal = (dataDir: string) =>
      spawnServer({ dataDir }).then(
        () => 'started',
        (error: Error) => error.message,
      );
    const garbled = tempDir('drawbridge-garbled-');
    const noise = randomBytes(8192);
    writeFileSync(dbFile(garbled), noise);
    const notADatabase = await refusal(garbled);
    expect(notADatabase).toMatch(/exited \(code 2, signal null\) before listening/);
    expect(notADatabase).toContain(
      `drawbridge: cannot use ${dbFile(garbled)}: file is not a database (SQLITE_NOTADB)`,
    );
    expect(readFileSync(dbFile(garbled)).equals(noise)).toBe(true);

    const newer = tempDir('drawbridge-newer-');
    const db = new Database(dbFile(newer));
    db.pragma('journal_mode = WAL'); // as every file a server made
    db.pragma('user_version = 99');
    db.close();
    const before = readFileSync(dbFile(newer));
    const fromTheFuture = await refusal(newer);
    expect(fromTheFuture).toMatch(/exited \(code 2, signal null\) before listening/);
    expect(fromTheFuture).toMatch(/has schema version 99; this server supports up to \d+/);
    expect(readFileSync(dbFile(newer)).equals(before)).toBe(true);
  });
});
