/**
 * Links that can be revoked, against a real server over a real SQLite file: a page using a
 * revoked link leaves the board within 1 s and hears nothing more, and every later use of the
 * link (a rejoin, HTTP, another server on the same data) is refused with LINK_REVOKED.
 */
import { ErrorCode, HttpErrorCode, readHttpError } from '@drawbridge/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenService } from '../apps/server/src/auth/TokenService.js';
import { adminApi } from './utils/admin.js';
import { scrapeMetric } from './utils/metrics.js';
import { connectPeer, destroyAll, expectConverged, type Peer, whenLive } from './utils/peers.js';
import { connectRaw, joinRaw, type RawSocket } from './utils/rawClient.js';
import { startServer, type TestServer } from './utils/server.js';

const SECRET = 'revoke-test-secret-0123456789abcdef-xyz';
const ADMIN = 'revoke-test-admin-token-0123456789abcdef';

describe('revoking links', () => {
  let server: TestServer;
  let peers: Peer[] = [];
  let sockets: RawSocket[] = [];
  afterEach(async () => {
    destroyAll(peers);
    for (const socket of sockets) socket.disconnect();
    peers = [];
    sockets = [];
    await server?.destroy();
  });

  const start = async (dataDir?: string) => {
    server = await startServer({
      tokens: new TokenService(SECRET),
      adminToken: ADMIN,
      ...(dataDir ? { dataDir } : {}),
    });
    return adminApi(server.url, ADMIN);
  };
  const peer = (boardId: string, token: string) => {
    const created = connectPeer(server.url, boardId, { token });
    peers.push(created);
    return created;
  };
  const raw = async () => {
    const socket = await connectRaw(server.url);
    sockets.push(socket);
    return socket;
  };
  /** Resolves once every event the server sent `socket` before this call has arrived. */
  const barrier = (socket: RawSocket | Peer['provider']['socket']) =>
    socket.timeout(5000).emitWithAck('board:leave', { boardId: 'barrier' });

  it('a page on a revoked viewer link leaves within 1 s, hears nothing more, and cannot rejoin', async () => {
    const api = await start();
    const editorLink = await api.mint('plan', 'editor');
    const viewerLink = await api.mint('plan', 'viewer');
    const otherViewerLink = await api.mint('plan', 'viewer');
    const editor = peer('plan', editorLink.token);
    const viewer = peer('plan', viewerLink.token);
    const other = peer('plan', otherViewerLink.token);
    await Promise.all([editor, viewer, other].map(whenLive));
    editor.doc.getMap('shapes').set('before', 1);
    await expectConverged([editor.doc, viewer.doc, other.doc]);

    let heardAfterRevoke = 0;
    let revoked = false;
    viewer.provider.socket.on('doc:update', () => {
      if (revoked) heardAfterRevoke += 1;
    });
    const started = performance.now();
    const answer = await api.revoke('plan', viewerLink.id);
    expect(answer.link).toMatchObject({ id: viewerLink.id, role: 'viewer', recorded: true });
    const failed = await viewer.provider.when((s) => s.status === 'failed');
    const elapsed = performance.now() - started;
    revoked = true;
    expect(failed.error?.code).toBe(ErrorCode.LINK_REVOKED);
    expect(elapsed).toBeLessThan(1000);

    // Later changes reach the other viewer, never the revoked one.
    editor.doc.getMap('shapes').set('after', 2);
    await expectConverged([editor.doc, other.doc]);
    await barrier(viewer.provider.socket);
    expect(heardAfterRevoke).toBe(0);
    expect(viewer.doc.getMap('shapes').has('after')).toBe(false);
    expect(server.server.rooms.get('plan')!.memberCount).toBe(2);

    // Every later use of the link is refused.
    const socket = await raw();
    expect(await joinRaw(socket, 'plan', undefined, viewerLink.token)).toMatchObject({
      ok: false,
      error: { code: ErrorCode.LINK_REVOKED },
    });
    const preview = await fetch(`${server.url}/b/plan/preview.png?token=${viewerLink.token}`);
    expect(preview.status).toBe(401);
    expect(readHttpError(await preview.json())?.code).toBe(HttpErrorCode.LINK_REVOKED);
    const again = peer('plan', viewerLink.token);
    expect((await again.provider.when((s) => s.status === 'failed')).error?.code).toBe(
      ErrorCode.LINK_REVOKED,
    );
    await expectConverged([editor.doc, other.doc]);
  });

  it('revokes every link of a board at once, links minted before links were stored included', async () => {
    const api = await start();
    const tokens = new TokenService(SECRET);
    // Minted as the offline CLI (and every server before this change) did: never recorded.
    const legacy = await tokens.mint({ board: 'team', role: 'editor', ttlSeconds: 3600 });
    const recorded = await api.mint('team', 'viewer');
    const elsewhere = await api.mint('other', 'viewer');
    const a = peer('team', legacy.token);
    const b = peer('team', recorded.token);
    const c = peer('other', elsewhere.token);
    await Promise.all([a, b, c].map(whenLive));

    const all = await api.revokeAll('team');
    expect(all.revoked).toEqual([recorded.id]);
    for (const removed of [a, b]) {
      const state = await removed.provider.when((s) => s.status === 'failed');
      expect(state.error?.code).toBe(ErrorCode.LINK_REVOKED);
    }
    expect(c.provider.state.status).toBe('live');

    // A link minted afterwards opens the board, and works alongside the untouched one.
    const fresh = await api.mint('team', 'editor');
    const d = peer('team', fresh.token);
    const e = peer('team', fresh.token);
    await Promise.all([d, e].map(whenLive));
    d.doc.getMap('shapes').set('fresh', true);
    await expectConverged([d.doc, e.doc]);
    const listed = await api.links('team');
    expect(listed.map((l) => [l.id, l.revokedAt !== null])).toEqual([
      [fresh.id, false],
      [recorded.id, true],
    ]);
  });

  it('revokes an unrecorded link by its id, and the revocation outlives a restart', async () => {
    const api = await start();
    const tokens = new TokenService(SECRET);
    const legacy = await tokens.mint({ board: 'old', role: 'viewer', ttlSeconds: 3600 });
    const keeper = await api.mint('old', 'editor');
    const reader = peer('old', legacy.token);
    const writer = peer('old', keeper.token);
    await Promise.all([reader, writer].map(whenLive));

    const { link } = await api.revoke('old', legacy.id);
    expect(link).toMatchObject({ id: legacy.id, role: null, recorded: false });
    expect((await reader.provider.when((s) => s.status === 'failed')).error?.code).toBe(
      ErrorCode.LINK_REVOKED,
    );
    // The id of a link of another board does not revoke it through this one.
    const foreign = await api.mint('elsewhere', 'viewer');
    const wrongScope = await api.call('DELETE', `/api/boards/old/links/${foreign.id}`);
    expect(wrongScope.status).toBe(404);
    writer.doc.getMap('shapes').set('kept', 1);
    const second = peer('old', keeper.token);
    await expectConverged([writer.doc, second.doc]);

    destroyAll(peers);
    peers = [];
    const dataDir = server.dataDir;
    await server.stop();
    await start(dataDir);
    const socket = await raw();
    expect(await joinRaw(socket, 'old', undefined, legacy.token)).toMatchObject({
      ok: false,
      error: { code: ErrorCode.LINK_REVOKED },
    });
    // The revoked link was refused before its board was loaded for it.
    expect(await scrapeMetric(server.url, 'drawbridge_boards_loaded')).toBe(0);
    expect(await joinRaw(socket, 'elsewhere', undefined, foreign.token)).toMatchObject({
      ok: true,
    });
    expect(await scrapeMetric(server.url, 'drawbridge_boards_loaded')).toBe(1);
    const joined = await joinRaw(socket, 'old', undefined, keeper.token);
    expect(joined.ok && joined.role).toBe('editor');
  });

  it('the links API validates its input and is off for open boards', async () => {
    const api = await start();
    await api.mint('b', 'viewer');
    const bad = await api.call('DELETE', `/api/boards/b/links/${'x'.repeat(65)}`);
    expect(bad.status).toBe(404);
    const badScope = await api.call('GET', '/api/boards/not%20a%20board/links');
    expect(badScope.status).toBe(404);
    expect((await api.call('PATCH', '/api/boards/b/links')).status).toBe(405);
    await server.destroy();
    server = await startServer({ adminToken: ADMIN });
    const open = await adminApi(server.url, ADMIN).call('GET', '/api/boards/b/links');
    expect(open.status).toBe(409);
    expect(readHttpError(await open.json())?.code).toBe(HttpErrorCode.CONFLICT);
  });
});
