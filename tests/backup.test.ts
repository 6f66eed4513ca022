/**
 * The full backup and restore the README documents, run as written: `sqlite3 ... ".backup"`
 * of the live SQLite file while a client keeps writing, and `pg_dump` / `pg_restore` of the
 * PostgreSQL database. A server started on the copy serves every board as it was backed up.
 */
import { execFile } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../apps/server/src/storage/PostgresStorage.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { postgresBinDir, startPostgres } from './utils/postgres.js';
import { dbFile, startServer, type TestServer, tempDir } from './utils/server.js';

const run = promisify(execFile);

describe('backup and restore', () => {
  let servers: TestServer[] = [];
  let peers: Peer[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    destroyAll(peers);
    peers = [];
    await Promise.all(servers.map((s) => s.destroy()));
    servers = [];
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const peer = (server: TestServer, boardId: string) => {
    const created = connectPeer(server.url, boardId);
    peers.push(created);
    return created;
  };

  it('sqlite3 .backup copies the live database; a server on the copy has every board', async () => {
    const server = await startServer();
    servers.push(server);
    const writer = peer(server, 'busy');
    const quiet = peer(server, 'quiet');
    for (let i = 0; i < 50; i++) writer.doc.getMap('shapes').set(`before-${i}`, i);
    quiet.doc.getMap('shapes').set('only', 'this');
    await Promise.all([writer, quiet].map(whenSaved));

    // Writes go on while the backup runs: the copy is consistent as of some moment after the
    // acked writes above.
    const backupDir = tempDir('drawbridge-backup-');
    const copy = path.join(backupDir, 'drawbridge-backup.sqlite');
    let writing = true;
    const more = (async () => {
      for (let i = 0; writing && i < 200; i++) {
        writer.doc.getMap('shapes').set(`during-${i}`, i);
        await whenSaved(writer);
      }
    })();
    await run('sqlite3', [dbFile(server.dataDir), `.backup '${copy}'`]);
    writing = false;
    await more;

    const restoredDir = tempDir('drawbridge-restored-');
    copyFileSync(copy, dbFile(restoredDir));
    const restored = await startServer({ dataDir: restoredDir });
    servers.push(restored);
    const reader = peer(restored, 'busy');
    const quietReader = peer(restored, 'quiet');
    await Promise.all([reader, quietReader].map(whenLive));
    const keys = [...reader.doc.getMap('shapes').keys()];
    for (let i = 0; i < 50; i++) expect(keys).toContain(`before-${i}`);
    expect(reader.doc.store.pendingStructs).toBeNull();
    await expectConverged([quiet.doc, quietReader.doc]);
    // The restored server is a working server: edits there converge.
    const second = peer(restored, 'busy');
    reader.doc.getMap('shapes').set('after-restore', true);
    await expectConverged([reader.doc, second.doc]);
  });

  it('pg_dump and pg_restore move every board to a fresh database', async () => {
    const pg = await startPostgres();
    cleanups.push(() => pg.destroy());
    const open = (url: string) => PostgresStorage.open({ connectionString: url, poolSize: 4 });
    const server = await startServer({ storage: await open(pg.url) });
    servers.push(server);
    const [a, b] = [peer(server, 'one'), peer(server, 'two')];
    for (let i = 0; i < 20; i++) a.doc.getMap('shapes').set(`a-${i}`, i);
    b.doc.getMap('shapes').set('b', 1);
    b.doc.getMap('shapes').delete('b');
    b.doc.getMap('shapes').set('c', 2);
    await Promise.all([a, b].map(whenSaved));

    const bin = postgresBinDir();
    const dump = path.join(tempDir('drawbridge-dump-'), 'drawbridge.dump');
    await run(path.join(bin, 'pg_dump'), ['--format=custom', `--file=${dump}`, pg.url]);
    const target = await pg.createDatabase('restored');
    await run(path.join(bin, 'pg_restore'), ['--no-owner', `--dbname=${target}`, dump]);

    const restored = await startServer({ storage: await open(target) });
    servers.push(restored);
    const [ra, rb] = [peer(restored, 'one'), peer(restored, 'two')];
    await Promise.all([ra, rb].map(whenLive));
    await expectConverged([a.doc, ra.doc]);
    await expectConverged([b.doc, rb.doc]);
  });
});
