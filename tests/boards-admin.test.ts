/**
 * The operators' boards API against real servers over real SQLite files: every board listed
 * with name, size, last change and members online; a deleted board gone with its members
 * removed, its links dead and every data store's share (assets, history) deleted; a board
 * moved between two servers by export and import.
 */
import { BoardModel } from '@drawbridge/board';
import { ErrorCode, HttpErrorCode, readHttpError } from '@drawbridge/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TokenService } from '../apps/server/src/auth/TokenService.js';
import type { BoardDataStore } from '../apps/server/src/storage/BoardDataStore.js';
import { SqliteStorage } from '../apps/server/src/storage/SqliteStorage.js';
import { adminApi } from './utils/admin.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { connectRaw, joinRaw } from './utils/rawClient.js';
import { dbFile, startServer, type TestServer, tempDir } from './utils/server.js';

const ADMIN = 'boards-admin-test-token-0123456789abcdef';
const SECRET = 'boards-admin-test-secret-0123456789abcdef';

/**
 * A data store keeping bytes per board, as the assets and version stores do: what the deletion
 * hook must empty. Real code of the hook's shape; the feature stores plug in the same way.
 */
class BytesPerBoard implements BoardDataStore {
  readonly data = new Map<string, Uint8Array[]>();
  constructor(readonly name: string) {}
  put(boardId: string, bytes: Uint8Array): void {
    this.data.set(boardId, [...(this.data.get(boardId) ?? []), bytes]);
  }
  async deleteBoard(boardId: string): Promise<void> {
    this.data.delete(boardId);
  }
  async boardBytes(boardIds: readonly string[]): Promise<Map<string, number>> {
    return new Map(
      boardIds.map((id) => [id, (this.data.get(id) ?? []).reduce((n, b) => n + b.byteLength, 0)]),
    );
  }
}

describe('operators: list, delete, export and import boards', () => {
  let servers: TestServer[] = [];
  let peers: Peer[] = [];
  afterEach(async () => {
    destroyAll(peers);
    peers = [];
    await Promise.all(servers.map((s) => s.destroy()));
    servers = [];
  });

  const start = async (options: Parameters<typeof startServer>[0] = {}) => {
    const server = await startServer({ adminToken: ADMIN, ...options });
    servers.push(server);
    return { server, api: adminApi(server.url, ADMIN) };
  };
  const peer = (server: TestServer, boardId: string, token?: string) => {
    const created = connectPeer(server.url, boardId, token ? { token } : {});
    peers.push(created);
    return created;
  };

  it('lists every board with name, size, last change and members online', async () => {
    const { server, api } = await start({ idleUnloadMs: 50 });
    const started = Date.now();
    const [a1, a2] = [peer(server, 'alpha'), peer(server, 'alpha')];
    const b1 = peer(server, 'beta');
    new BoardModel(a2.doc); // instantiates the board's root types, as the app does
    new BoardModel(a1.doc).setName('Alpha plans');
    new BoardModel(b1.doc).setName('Beta');
    b1.doc.getMap('shapes').set('x', { w: 'y'.repeat(1000) });
    await Promise.all([a1, a2, b1].map(whenSaved));
    await expectConverged([a1.doc, a2.doc]);
    // Beta is left and unloaded: its name comes from storage now.
    b1.provider.destroy();
    await expect.poll(() => server.server.rooms.get('beta'), { timeout: 5000 }).toBeUndefined();
    // An open board with nothing stored yet is listed too.
    const empty = peer(server, 'gamma');
    await whenLive(empty);

    const { boards, complete } = await api.boards();
    expect(complete).toBe(true);
    expect(boards.map((b) => b.id)).toEqual(['alpha', 'beta', 'gamma']);
    const [alpha, beta, gamma] = boards;
    expect(alpha).toMatchObject({ name: 'Alpha plans', members: 2 });
    expect(alpha!.bytes).toBeGreaterThan(0);
    expect(Date.parse(alpha!.updatedAt!)).toBeGreaterThanOrEqual(started - 1000);
    expect(beta).toMatchObject({ name: 'Beta', members: 0 });
    expect(beta!.bytes).toBeGreaterThan(1000);
    expect(gamma).toMatchObject({ members: 1, bytes: 0, updatedAt: null });

    expect((await api.call('GET', '/api/boards', undefined)).status).toBe(200);
    const refused = await fetch(`${server.url}/api/boards`);
    expect(refused.status).toBe(401);
    expect(readHttpError(await refused.json())?.code).toBe(HttpErrorCode.ADMIN_UNAUTHORIZED);
    await expectConverged([a1.doc, a2.doc]);
  });

  it('deletes a board with its members, links, assets and versions; others are untouched', async () => {
    const assets = new BytesPerBoard('assets');
    const versions = new BytesPerBoard('versions');
    const tokens = new TokenService(SECRET);
    const { server, api } = await start({ tokens, boardData: [assets, versions] });
    const link = await api.mint('doomed', 'editor');
    const keptLink = await api.mint('kept', 'editor');
    const [d1, d2] = [peer(server, 'doomed', link.token), peer(server, 'doomed', link.token)];
    const [k1, k2] = [peer(server, 'kept', keptLink.token), peer(server, 'kept', keptLink.token)];
    d1.doc.getMap('shapes').set('s', 1);
    k1.doc.getMap('shapes').set('s', 2);
    await Promise.all([d1, d2, k1, k2].map(whenSaved));
    for (const store of [assets, versions]) {
      store.put('doomed', Uint8Array.of(1, 2, 3));
      store.put('kept', Uint8Array.of(4));
    }
    const before = (await api.boards()).boards.find((b) => b.id === 'doomed')!;
    const doomedBytes = before.bytes;

    const answer = await api.deleteBoard('doomed');
    expect(answer).toEqual({ deleted: 'doomed', members: 2, complete: true });
    for (const removed of [d1, d2]) {
      const state = await removed.provider.when((s) => s.status === 'failed');
      expect(state.error?.code).toBe(ErrorCode.BOARD_DELETED);
    }
    expect(assets.data.has('doomed')).toBe(false);
    expect(versions.data.has('doomed')).toBe(false);
    expect(assets.data.get('kept')).toHaveLength(1);
    expect(server.server.rooms.get('doomed')).toBeUndefined();
    const { boards } = await api.boards();
    expect(boards.map((b) => b.id)).toEqual(['kept']);
    expect(doomedBytes).toBeGreaterThan(6);
    expect(boards[0]!.bytes).toBeGreaterThan(2); // the document plus one byte per store
    expect(await server.storage.load('doomed')).toMatchObject({ updates: [], lastSeq: 0 });
    expect(await api.links('doomed')).toEqual([]);
    expect((await api.call('DELETE', '/api/boards/doomed')).status).toBe(404);

    // Its links stay dead even for a new board under the same id; new links open it, empty.
    const socket = await connectRaw(server.url);
    try {
      expect(await joinRaw(socket, 'doomed', undefined, link.token)).toMatchObject({
        ok: false,
        error: { code: ErrorCode.LINK_REVOKED },
      });
    } finally {
      socket.disconnect();
    }
    const fresh = await api.mint('doomed', 'editor');
    const reborn = peer(server, 'doomed', fresh.token);
    await whenLive(reborn);
    expect(reborn.doc.getMap('shapes').size).toBe(0);

    k2.doc.getMap('shapes').set('t', 3);
    await expectConverged([k1.doc, k2.doc]);
  });

  it('moves a board between two servers by export and import', async () => {
    const limits = { maxBoardBytes: 256 * 1024, maxMessageBytes: 256 * 1024 };
    const source = await start({ limits });
    const target = await start({ limits });
    const author = peer(source.server, 'moving');
    const model = new BoardModel(author.doc);
    model.setName('Moving day');
    model.addShapes([
      { type: 'rect', x: 0, y: 0, w: 100, h: 50, stroke: '#000000', fill: 'none', strokeWidth: 2 },
      {
        type: 'ellipse',
        x: 200,
        y: 0,
        w: 80,
        h: 80,
        stroke: '#ff0000',
        fill: 'none',
        strokeWidth: 2,
      },
    ]);
    model.deleteShapes([model.shapes()[0]!.id]);
    await whenSaved(author);

    const exported = await source.api.call('GET', '/api/boards/moving/export');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toContain('moving.drawbridge-board.json');
    const file = (await exported.json()) as Record<string, unknown>;
    expect(file).toMatchObject({ type: 'drawbridge/board-export', version: 1, name: 'Moving day' });

    const imported = await target.api.call('POST', '/api/boards/moved/import', file);
    expect(imported.status).toBe(201);
    const reader = peer(target.server, 'moved');
    new BoardModel(reader.doc);
    await whenLive(reader);
    // The same document, deletions included: state vectors, delete sets and content equal.
    await expectConverged([author.doc, reader.doc]);
    expect(new BoardModel(reader.doc).shapes()).toHaveLength(1);

    // Never into a board that has content, and never anything but a board export.
    const again = await target.api.call('POST', '/api/boards/moved/import', file);
    expect(again.status).toBe(409);
    const refusals = [
      { ...file, type: 'drawbridge/shapes' },
      { ...file, update: 'not base64!' },
      { ...file, update: Buffer.from([1, 2, 3]).toString('base64') },
    ];
    for (const body of refusals) {
      const refused = await target.api.call('POST', '/api/boards/other/import', body);
      expect(refused.status).toBe(400);
      expect(readHttpError(await refused.json())?.code).toBe(HttpErrorCode.BAD_REQUEST);
    }
    const huge = { ...file, update: Buffer.alloc(512 * 1024).toString('base64') };
    const tooLarge = await target.api.call('POST', '/api/boards/other/import', huge);
    expect(tooLarge.status).toBe(413);
    expect(target.server.server.rooms.get('other')?.doc.store.clients.size ?? 0).toBe(0);
    expect(await target.server.storage.load('other')).toMatchObject({ updates: [] });
    await expectConverged([author.doc, reader.doc]);
  });

  it('moves a large board, still only in storage on the source, into a board with a member watching', async () => {
    // Past the size at which the server answers joins from storage and takes updates in slices.
    const original = new Y.Doc();
    const model = new BoardModel(original);
    model.setName('Large and cold');
    for (let i = 0; i < 3000; i += 500) {
      model.addShapes(
        Array.from({ length: 500 }, (_, k) => ({
          type: 'rect' as const,
          x: ((i + k) % 50) * 60,
          y: Math.floor((i + k) / 50) * 60,
          w: 40,
          h: 40,
          stroke: '#1e1e1e',
          fill: 'none',
          strokeWidth: 2,
        })),
      );
    }
    expect(Y.encodeStateAsUpdate(original).byteLength).toBeGreaterThan(256 * 1024);
    const dataDir = tempDir();
    const stored = new SqliteStorage({ file: dbFile(dataDir) });
    await stored.append('big', Y.encodeStateAsUpdate(original));
    await stored.compact('big');
    await stored.close();
    const source = await start({ dataDir });
    const target = await start();
    const watcher = peer(target.server, 'copy');
    new BoardModel(watcher.doc);
    await whenLive(watcher);

    const exported = await source.api.call('GET', '/api/boards/big/export');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('application/json');
    const file = (await exported.json()) as Record<string, unknown>;
    // The name comes from the document, which the server fills for it.
    expect(file).toMatchObject({ boardId: 'big', name: 'Large and cold' });

    const imported = await target.api.call('POST', '/api/boards/copy/import', file);
    expect(imported.status).toBe(201);
    await expectConverged([original, watcher.doc]);
    // Taken in slices, each stored as it went in, like a member's paste.
    const copy = await target.server.storage.load('copy');
    expect(copy.updates.length).toBeGreaterThan(1);
    const reloaded = new Y.Doc();
    new BoardModel(reloaded);
    for (const update of copy.updates) Y.applyUpdate(reloaded, update);
    await expectConverged([original, reloaded]);
  });
});
