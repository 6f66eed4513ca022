/**
 * `pnpm copy-storage`, run as an operator runs it, there and back: a single node's real SQLite
 * file (boards with snapshots and logs, images, versions, links and revocations, large values in
 * parts) copied into a real PostgreSQL database, a node on that database serving everything as
 * the single node did and going on from there, then that database copied into a new SQLite file
 * and a single node on it serving everything again.
 */
import { randomBytes } from 'node:crypto';
import { BoardModel, type NewShape } from '@drawbridge/board';
import { ErrorCode } from '@drawbridge/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { TokenService } from '../apps/server/src/auth/TokenService.js';
import {
  COPIED_TABLES,
  SQLITE_PARTS_TABLES,
} from '../apps/server/src/storage/copy/copiedTables.js';
import { PostgresStorage } from '../apps/server/src/storage/PostgresStorage.js';
import { rect } from '../packages/board/src/testing.js';
import { noisyPng } from './e2e/utils/images.js';
import { adminApi } from './utils/admin.js';
import { copyStorage, postgresRows, sqliteRows } from './utils/copyStorage.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { startPostgres } from './utils/postgres.js';
import { dbFile, startServer, type TestServer, tempDir } from './utils/server.js';

const SECRET = 'copy-storage-test-secret-0123456789abcdef';
const ADMIN = 'copy-storage-test-admin-token-0123456789ab';

interface Listed {
  versionId: number;
  createdAt: string;
  reason: string;
  editors: string[];
  bytes: number;
}

describe('pnpm copy-storage: a single node moves to PostgreSQL and back', () => {
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

  it('a node on the copy serves all the single node did, and a single node on the copy back all the cluster did', async () => {
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
      model.addShape(rect(i * 20, 0, 50, 50, { label: randomBytes(7500).toString('base64') }));
      await whenSaved(ada);
    }
    // A board of one edit, whose editor stays on until the node stops: its record stays in the
    // log (a board leaving memory compacts two or more), its editor waits for the next version.
    const noteLink = await api.mint('note', 'editor');
    const note = peer(single, 'note', noteLink.token, 'Cy');
    peers.splice(peers.indexOf(note), 1);
    await whenLive(note);
    new BoardModel(note.doc).addShape(rect(0, 0, 50, 50, { label: 'one edit' }));
    await whenSaved(note);
    const doomed = peer(single, 'doomed', doomedLink.token, 'Bo');
    new BoardModel(doomed.doc).addShape(rect(0, 0, 50, 50, { label: 'doomed' }));
    await whenSaved(doomed);
    await api.deleteBoard('doomed');

    const editorToken = editorLink.token;
    const revokedTokens = [
      ['plan', revokedLink.token],
      ['doomed', doomedLink.token],
    ] as const;
    const listVersions = async (server: TestServer): Promise<Listed[]> => {
      const response = await get(server, '/api/boards/plan/versions', editorToken);
      return ((await response.json()) as { versions: Listed[] }).versions;
    };
    const versionBytes = async (server: TestServer, listed: Listed[]) => {
      const bytes = new Map<number, Buffer>();
      for (const { versionId } of listed) {
        const url = `/api/boards/plan/versions/${versionId}?format=yjs`;
        bytes.set(
          versionId,
          Buffer.from(await (await get(server, url, editorToken)).arrayBuffer()),
        );
      }
      return bytes;
    };
    /**
     * What `server` must serve after a move: the board whole to a member on the link minted
     * before it, no revoked link, its images and versions byte for byte. Returns the member.
     */
    const expectServes = async (
      server: TestServer,
      board: Y.Doc,
      versions: Listed[],
      bytes: Map<number, Buffer>,
    ) => {
      const member = peer(server, 'plan', editorToken, 'Ada');
      await whenLive(member);
      // Both read as the app reads a board (a root read as a map only once asked for as one).
      const model = new BoardModel(member.doc);
      new BoardModel(board);
      await expectConverged([board, member.doc]);
      expect(model.name).toBe('Plans');
      for (const [scope, token] of revokedTokens) {
        const refused = peer(server, scope, token, 'Eve');
        const failed = await refused.provider.when((s) => s.status === 'failed');
        expect(failed.error?.code, scope).toBe(ErrorCode.LINK_REVOKED);
      }
      for (const [assetId, image] of images) {
        const served = await get(server, `/api/boards/plan/assets/${assetId}`, editorToken);
        expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(image))).toBe(true);
      }
      expect(await listVersions(server)).toEqual(versions);
      expect(await versionBytes(server, versions)).toEqual(bytes);
      return member;
    };

    // Ada leaves: a version of the whole board (stored in parts), crediting her.
    const reference = Y.encodeStateAsUpdate(ada.doc);
    destroyAll(peers.splice(0));
    let versions: Listed[] = [];
    await vi.waitFor(
      async () => {
        versions = await listVersions(single);
        expect(versions).toHaveLength(1);
      },
      { timeout: 10_000, interval: 100 },
    );
    const singleBytes = await versionBytes(single, versions);
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

    const expected = new Y.Doc();
    Y.applyUpdate(expected, reference);
    const back = await expectServes(node, expected, versions, singleBytes);

    // The node goes on from there: an edit is stored, and the next version gets a new id.
    new BoardModel(back.doc).addShape(rect(0, 0, 50, 50, { label: 'after the move' }));
    await whenSaved(back);
    destroyAll(peers.splice(0));
    let after: Listed[] = [];
    await vi.waitFor(
      async () => {
        after = await listVersions(node);
        expect(after).toHaveLength(2);
        expect(after[0]!.versionId).toBeGreaterThan(versions[0]!.versionId);
      },
      { timeout: 10_000, interval: 100 },
    );
    // (Not 'doomed': the refused joins above had the node load it, listed while held in memory
    // and never stored.)
    const stored = async (server: TestServer) =>
      (await adminApi(server.url, ADMIN).boards()).boards.filter((b) => b.id !== 'doomed');
    const listedThere = await stored(node);
    const nodeBytes = await versionBytes(node, after);
    await node.stop();

    // And back to one node: the cluster's database into a new SQLite file (the data dir's).
    const homeDir = tempDir('drawbridge-copy-home-');
    const home = await copyStorage(['--from', url, '--to', homeDir]);
    expect(home.code, home.stderr).toBe(0);
    expect(sqliteRows(dbFile(homeDir))).toMatchObject(await postgresRows(pgServer, 'cluster'));
    const single2 = await startServer({ tokens, adminToken: ADMIN, dataDir: homeDir });
    servers.push(single2);
    expect(await stored(single2)).toEqual(listedThere);
    await expectServes(single2, back.doc, after, nodeBytes);
  });
});
