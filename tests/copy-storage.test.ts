/**
 * `pnpm copy-storage`, run as an operator runs it: a single node's real SQLite file (boards with
 * snapshots and logs, images, versions, links and revocations, large values in parts) copied
 * into a real PostgreSQL database, and a node on that database serving everything as the single
 * node did. The copy refuses a database that holds data and a file of another schema version,
 * changing nothing. And the copy's table list is held to both schemas as migrated.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { BoardModel, type NewShape } from '@drawbridge/board';
import { ErrorCode } from '@drawbridge/protocol';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { TokenService } from '../apps/server/src/auth/TokenService.js';
import {
  COPIED_TABLES,
  SQLITE_PARTS_TABLES,
} from '../apps/server/src/storage/copy/copiedTables.js';
import { PostgresStorage } from '../apps/server/src/storage/PostgresStorage.js';
import { SqliteStorage } from '../apps/server/src/storage/SqliteStorage.js';
import { noisyPng } from './e2e/utils/images.js';
import { adminApi } from './utils/admin.js';
import { runCli } from './utils/cli.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { type PostgresServer, startPostgres } from './utils/postgres.js';
import { dbFile, startServer, type TestServer, tempDir } from './utils/server.js';

const SECRET = 'copy-storage-test-secret-0123456789abcdef';
const ADMIN = 'copy-storage-test-admin-token-0123456789ab';
const copyStorage = (args: string[]) => runCli('copyStorage', args);

/** Rows of each copied table, and the parts tables' rows, in a SQLite file. */
function sqliteRows(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const names = [...COPIED_TABLES.map((t) => t.name), ...SQLITE_PARTS_TABLES];
    return Object.fromEntries(
      names.map((n) => [n, db.prepare(`SELECT count(*) FROM ${n}`).pluck().get() as number]),
    );
  } finally {
    db.close();
  }
}

/** Rows of each copied table in a PostgreSQL database (throws when it has no such tables). */
async function postgresRows(
  server: PostgresServer,
  database: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { name } of COPIED_TABLES) {
    counts[name] = Number(await server.psql(`SELECT count(*) FROM ${name}`, database));
  }
  return counts;
}

const rect = (x: number, label: string): NewShape =>
  ({
    type: 'rect',
    x,
    y: 0,
    w: 50,
    h: 50,
    stroke: '#1e1e1e',
    fill: 'none',
    strokeWidth: 2,
    label,
  }) as NewShape;

interface Listed {
  versionId: number;
  createdAt: string;
  reason: string;
  editors: string[];
  bytes: number;
}

describe('pnpm copy-storage: a single node moves to PostgreSQL', () => {
  const servers: TestServer[] = [];
  let peers: Peer[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    destroyAll(peers);
    peers = [];
    for (const server of servers.splice(0)) await server.destroy();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const tokens = new TokenService(SECRET);
  const peer = (server: TestServer, board: string, token: string, name: string) => {
    const created = connectPeer(server.url, board, { token });
    created.provider.awareness.setLocalStateField('user', { name, color: '#1971c2' });
    peers.push(created);
    return created;
  };
  const get = async (server: TestServer, url: string, token: string) => {
    const response = await fetch(`${server.url}${url}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status, url).toBe(200);
    return response;
  };

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

  it('a node on the copy serves every board, image, version and link the single node did', async () => {
    // The single node, compacting often, so that the board's snapshot is stored in parts.
    const single = await startServer({
      tokens,
      adminToken: ADMIN,
      compactEvery: 8,
      compactQuietMs: 0,
    });
    servers.push(single);
    const api = adminApi(single.url, ADMIN);
    const editorLink = await api.mint('plan', 'editor');
    const revokedLink = await api.mint('plan', 'viewer');
    await api.revoke('plan', revokedLink.id);
    const doomedLink = await api.mint('doomed', 'editor');

    const upload = async (bytes: Uint8Array) => {
      const response = await fetch(`${single.url}/api/boards/plan/assets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${editorLink.token}`, 'content-type': 'image/png' },
        body: Buffer.from(bytes),
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { assetId: string }).assetId;
    };
    const large = noisyPng(1200, 1200, 'red'); // about 430 KB: stored in parts
    const small = noisyPng(8, 8, 'blue');
    const images = new Map([
      [await upload(large), large],
      [await upload(small), small],
    ]);

    const ada = peer(single, 'plan', editorLink.token, 'Ada');
    await whenLive(ada);
    const model = new BoardModel(ada.doc);
    model.setName('Plans');
    // The pictures on the board: the version refers to them.
    for (const [assetId, bytes] of images) {
      const side = bytes === large ? 1200 : 8;
      model.addShape({
        type: 'image',
        x: 0,
        y: 0,
        w: side,
        h: side,
        assetId,
        naturalWidth: side,
        naturalHeight: side,
      } as NewShape);
    }
    // About 600 KB of labels that do not compress: a snapshot and a version of several parts.
    for (let i = 0; i < 60; i++) {
      model.addShape(rect(i * 20, randomBytes(7500).toString('base64')));
      await whenSaved(ada);
    }
    // A board of one edit, whose editor stays on until the node stops: its record stays in the
    // log (a board leaving memory compacts two or more), its editor waits for the next version.
    const noteLink = await api.mint('note', 'editor');
    const note = peer(single, 'note', noteLink.token, 'Cy');
    peers.splice(peers.indexOf(note), 1);
    await whenLive(note);
    new BoardModel(note.doc).addShape(rect(0, 'one edit'));
    await whenSaved(note);
    const doomed = peer(single, 'doomed', doomedLink.token, 'Bo');
    new BoardModel(doomed.doc).addShape(rect(0, 'doomed'));
    await whenSaved(doomed);
    await api.deleteBoard('doomed');

    // Ada leaves: a version of the whole board (stored in parts), crediting her.
    const reference = Y.encodeStateAsUpdate(ada.doc);
    destroyAll(peers.splice(0));
    let versions: Listed[] = [];
    await vi.waitFor(
      async () => {
        const response = await get(single, '/api/boards/plan/versions', editorLink.token);
        versions = ((await response.json()) as { versions: Listed[] }).versions;
        expect(versions).toHaveLength(1);
      },
      { timeout: 10_000, interval: 100 },
    );
    const versionBytes = await (
      await get(
        single,
        `/api/boards/plan/versions/${versions[0]!.versionId}?format=yjs`,
        editorLink.token,
      )
    ).arrayBuffer();
    await single.stop();
    destroyAll([note]);

    // Every kind of row is there, large values in parts included: the copy must join them. (Not
    // editors waiting for a version: a node that stops takes a version of each edited board.)
    const file = dbFile(single.dataDir);
    const inFile = sqliteRows(file);
    for (const table of [...COPIED_TABLES.map((t) => t.name), ...SQLITE_PARTS_TABLES]) {
      if (table !== 'board_editors') expect(inFile[table], table).toBeGreaterThan(0);
    }

    const pgServer = await startPostgres();
    cleanups.push(() => pgServer.destroy());
    const url = await pgServer.createDatabase('cluster');
    const copied = await copyStorage(['--from', single.dataDir, '--to', url]);
    expect(copied.code, copied.stderr).toBe(0);
    expect(copied.stdout).toContain(`copied ${inFile.boards} boards in`);
    const inPostgres = await postgresRows(pgServer, 'cluster');
    for (const { name } of COPIED_TABLES) expect(inPostgres[name], name).toBe(inFile[name]);

    // A node on the copy, as a cluster's nodes run: PostgreSQL storage, the same secrets.
    const storage = await PostgresStorage.open({ connectionString: url, poolSize: 4 });
    const node = await startServer({ tokens, adminToken: ADMIN, storage });
    servers.push(node);
    const nodeApi = adminApi(node.url, ADMIN);
    // The boards as the single node lists them, started again on its file.
    const again = await startServer({ tokens, adminToken: ADMIN, dataDir: single.dataDir });
    const listed = (await adminApi(again.url, ADMIN).boards()).boards;
    await again.stop();
    expect((await nodeApi.boards()).boards).toEqual(listed);

    // The board, whole, to a member on the link minted on the single node.
    const back = peer(node, 'plan', editorLink.token, 'Ada');
    await whenLive(back);
    const expected = new Y.Doc();
    Y.applyUpdate(expected, reference);
    await expectConverged([expected, back.doc]);
    expect(new BoardModel(back.doc).name).toBe('Plans');

    // Revocations hold: the revoked link, and the deleted board's.
    for (const [board, token] of [
      ['plan', revokedLink.token],
      ['doomed', doomedLink.token],
    ] as const) {
      const refused = peer(node, board, token, 'Eve');
      const failed = await refused.provider.when((s) => s.status === 'failed');
      expect(failed.error?.code, board).toBe(ErrorCode.LINK_REVOKED);
    }

    // Images, byte for byte, and the version with its bytes.
    for (const [assetId, bytes] of images) {
      const served = await get(node, `/api/boards/plan/assets/${assetId}`, editorLink.token);
      expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    }
    const nodeVersions = await (
      await get(node, '/api/boards/plan/versions', editorLink.token)
    ).json();
    expect((nodeVersions as { versions: Listed[] }).versions).toEqual(versions);
    const nodeVersion = await (
      await get(
        node,
        `/api/boards/plan/versions/${versions[0]!.versionId}?format=yjs`,
        editorLink.token,
      )
    ).arrayBuffer();
    expect(Buffer.from(nodeVersion).equals(Buffer.from(versionBytes))).toBe(true);

    // The node goes on from there: an edit is stored, and the next version gets a new id.
    new BoardModel(back.doc).addShape(rect(0, 'after the move'));
    await whenSaved(back);
    destroyAll(peers.splice(0));
    await vi.waitFor(
      async () => {
        const response = await get(node, '/api/boards/plan/versions', editorLink.token);
        const after = ((await response.json()) as { versions: Listed[] }).versions;
        expect(after).toHaveLength(2);
        expect(after[0]!.versionId).toBeGreaterThan(versions[0]!.versionId);
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it('refuses a database that holds data, and a file of another schema version, changing nothing', async () => {
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
  });
});
