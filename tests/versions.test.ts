/**
 * Version history against a real server over a real SQLite file, with real clients: versions
 * are taken when the last member leaves and periodically while people edit, credit who edited,
 * are listed and served with the board's access rules, and a restore through the API reaches
 * every member live as a new change on top.
 */
import { BoardModel, parseBoard } from '@drawbridge/board';
import { HttpErrorCode, readHttpError } from '@drawbridge/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { TokenService } from '../apps/server/src/auth/TokenService.js';
import { DEFAULT_VERSION_OPTIONS } from '../apps/server/src/config.js';
import type { TakeResult } from '../apps/server/src/storage/VersionStore.js';
import { rect } from '../packages/board/src/testing.js';
import { SAMPLE_IMAGES } from '../packages/protocol/src/testing/sampleImages.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { startServer, type TestServer } from './utils/server.js';

const SECRET = 'versions-test-secret-0123456789abcdef';
const tokens = new TokenService(SECRET);

interface Listed {
  versionId: number;
  createdAt: string;
  reason: string;
  editors: string[];
}

describe('version history', () => {
  let server: TestServer;
  let peers: Peer[] = [];
  afterEach(async () => {
    destroyAll(peers);
    peers = [];
    await server?.destroy();
  });

  async function join(board: string, name: string, token?: string) {
    const peer = connectPeer(server.url, board, token ? { token } : {});
    peers.push(peer);
    peer.provider.awareness.setLocalStateField('user', { name, color: '#1971c2' });
    await whenLive(peer);
    return { peer, model: new BoardModel(peer.doc) };
  }

  const versions = async (board: string, token?: string): Promise<Listed[]> => {
    const response = await fetch(`${server.url}/api/boards/${board}/versions`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { versions: Listed[] }).versions;
  };

  it('takes one when the last member leaves, and periodically while people edit', async () => {
    const attempts: TakeResult[] = [];
    server = await startServer({
      versions: { ...DEFAULT_VERSION_OPTIONS, intervalMs: 1000 },
      onVersion: (_board, result) => attempts.push(result),
    });
    const ada = await join('hist', 'Ada');
    const grace = await join('hist', 'Grace');
    ada.model.addShape(rect(0, 0, 50, 50));
    grace.model.setName('Plans');
    await Promise.all([whenSaved(ada.peer), whenSaved(grace.peer)]);
    await expectConverged([ada.peer.doc, grace.peer.doc]);

    // While both stay, the periodic version comes within the interval of the first edit.
    await vi.waitFor(async () => expect(await versions('hist')).toHaveLength(1), {
      timeout: 10_000,
      interval: 100,
    });
    const [periodic] = await versions('hist');
    expect(periodic).toMatchObject({ reason: 'periodic', editors: ['Ada', 'Grace'] });

    // An edit, then everyone leaves: a version at once, crediting only who edited since.
    ada.model.addShape(rect(100, 0, 50, 50));
    await whenSaved(ada.peer);
    destroyAll(peers.splice(0));
    await vi.waitFor(async () => expect(await versions('hist')).toHaveLength(2), {
      timeout: 10_000,
      interval: 50,
    });
    const [leave, first] = await versions('hist');
    expect(leave).toMatchObject({ reason: 'leave', editors: ['Ada'] });
    expect(first).toEqual(periodic);
    expect(Date.parse(leave!.createdAt)).toBeGreaterThanOrEqual(Date.parse(first!.createdAt));

    // The version as a board file, and as the Yjs update the app opens.
    const file = await fetch(`${server.url}/api/boards/hist/versions/${first!.versionId}`);
    expect(file.headers.get('content-type')).toContain('application/json');
    const board = parseBoard(await file.text());
    expect(board.name).toBe('Plans');
    expect(board.shapes).toHaveLength(1);
    const raw = await fetch(
      `${server.url}/api/boards/hist/versions/${leave!.versionId}?format=yjs`,
    );
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(await raw.arrayBuffer()));
    expect(new BoardModel(doc).shapes()).toHaveLength(2);

    // A visit that changes nothing adds no version.
    const seen = attempts.length;
    const viewerOnly = await join('hist', 'Lin');
    await whenSaved(viewerOnly.peer);
    destroyAll(peers.splice(0));
    await vi.waitFor(() => expect(attempts.length).toBe(seen + 1));
    expect(attempts.at(-1)).toEqual({ taken: false, skipped: 'unchanged' });
    expect(await versions('hist')).toHaveLength(2);
  });

  it('restores through the API as a new change every member sees live; viewers may not', async () => {
    server = await startServer({ tokens });
    const editorToken = (await tokens.mint({ board: 'undo', role: 'editor', ttlSeconds: 600 }))
      .token;
    const viewerToken = (await tokens.mint({ board: 'undo', role: 'viewer', ttlSeconds: 600 }))
      .token;
    const author = await join('undo', 'Ada', editorToken);
    const [kept, doomed] = author.model.addShapes([rect(0, 0, 50, 50), rect(100, 0, 50, 50)]);
    await whenSaved(author.peer);
    destroyAll(peers.splice(0));
    await vi.waitFor(async () => expect(await versions('undo', viewerToken)).toHaveLength(1), {
      timeout: 10_000,
      interval: 50,
    });
    const [saved] = await versions('undo', viewerToken);

    const a = await join('undo', 'Ada', editorToken);
    const b = await join('undo', 'Bo', viewerToken);
    await expectConverged([a.peer.doc, b.peer.doc]);
    a.model.deleteShapes([doomed!]);
    a.model.addShape(rect(300, 0, 50, 50));
    await whenSaved(a.peer);
    await vi.waitFor(() => expect(b.model.getShape(doomed!)).toBeNull());

    const restore = (token: string) =>
      fetch(`${server.url}/api/boards/undo/versions/${saved!.versionId}/restore`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
    const refused = await restore(viewerToken);
    expect(refused.status).toBe(403);
    expect(readHttpError(await refused.json())?.code).toBe(HttpErrorCode.FORBIDDEN);
    const missing = await fetch(`${server.url}/api/boards/undo/versions/999999/restore`, {
      method: 'POST',
      headers: { authorization: `Bearer ${editorToken}` },
    });
    expect(missing.status).toBe(404);

    const done = await restore(editorToken);
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({
      restored: saved!.versionId,
      added: 1,
      removed: 1,
      changed: 0,
    });
    // Live on both pages: the deleted shape is back (same id), the later one gone.
    for (const { model } of [a, b]) {
      await vi.waitFor(() =>
        expect(
          model
            .shapes()
            .map((s) => s.id)
            .sort(),
        ).toEqual([kept, doomed].sort()),
      );
    }
    await expectConverged([a.peer.doc, b.peer.doc]);
    // History stays linear: the restore is stored like any change and survives a restart.
    destroyAll(peers.splice(0));
    await server.stop();
    server = await startServer({ tokens, dataDir: server.dataDir });
    const back = await join('undo', 'Ada', editorToken);
    expect(
      back.model
        .shapes()
        .map((s) => s.id)
        .sort(),
    ).toEqual([kept, doomed].sort());
  });

  it("an operator's deletion takes the board's images and versions with it", async () => {
    const ADMIN = 'versions-test-admin-token-0123456789abcdef';
    server = await startServer({ adminToken: ADMIN });
    const { bytes, type } = SAMPLE_IMAGES.png;
    const uploaded = await fetch(`${server.url}/api/boards/doomed/assets`, {
      method: 'POST',
      headers: { 'content-type': type },
      body: Buffer.from(bytes),
    });
    const { assetId } = (await uploaded.json()) as { assetId: string };
    await fetch(`${server.url}/api/boards/kept/assets`, {
      method: 'POST',
      headers: { 'content-type': type },
      body: Buffer.from(bytes),
    });
    const author = await join('doomed', 'Ada');
    author.model.addShape(rect(0, 0, 50, 50));
    await whenSaved(author.peer);
    destroyAll(peers.splice(0));
    await vi.waitFor(async () => expect(await versions('doomed')).toHaveLength(1));
    const listed = await fetch(`${server.url}/api/boards`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const { boards } = (await listed.json()) as { boards: { id: string; bytes: number }[] };
    // The listed size counts the board's image and its version too.
    expect(boards.find((b) => b.id === 'doomed')!.bytes).toBeGreaterThan(bytes.byteLength);

    const deleted = await fetch(`${server.url}/api/boards/doomed`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(deleted.status).toBe(200);
    expect(await versions('doomed')).toEqual([]);
    expect((await fetch(`${server.url}/api/boards/doomed/assets/${assetId}`)).status).toBe(404);
    expect(await server.storage.assets.list('doomed')).toEqual([]);
    // Another board holding the same bytes keeps them.
    expect((await fetch(`${server.url}/api/boards/kept/assets/${assetId}`)).status).toBe(200);
  });
});
