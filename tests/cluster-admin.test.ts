/**
 * Links and boards administered on a cluster of real processes (PostgreSQL, Redis, two nodes):
 * a revocation asked of one node removes the sockets on the other at once, by its push (node 2
 * re-reads revocations only every 10 minutes, so nothing else could have removed them); a
 * revocation whose push was lost still refuses the link everywhere (it is in the database) and
 * removes the sockets already using it at node 1's next sweep; the boards list counts members on
 * every node; a deletion removes members on every node. While PostgreSQL is stopped, members
 * with links keep drawing together (their resyncs cannot re-read revocations, and keep the
 * grant they joined with), and a new connection waits.
 */
import { ErrorCode } from '@drawbridge/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../apps/server/src/auth/TokenService.js';
import { adminApi } from './utils/admin.js';
import { startCluster, type TestCluster } from './utils/cluster.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { connectRaw, joinRaw, type RawSocket } from './utils/rawClient.js';

const ADMIN_TOKEN = 'cluster-admin-test-token-0123456789abcdef';
const AUTH_SECRET = 'cluster-admin-test-secret-0123456789abcdef';

/** Node 2's revocation sweep: far beyond any wait here, so only a push can remove a socket. */
const SWEEP_OFF_MS = 600_000;

let cluster: TestCluster;
let peers: Peer[] = [];
let sockets: RawSocket[] = [];
let boardCount = 0;
const newBoard = () => `admin-${process.pid}-${++boardCount}`;

beforeAll(async () => {
  cluster = await startCluster({
    nodes: 2,
    env: { ADMIN_TOKEN, AUTH_SECRET },
    // Node 1 sweeps every GAP_CHECK_MS (500 ms here); node 2 only by the push.
    nodeEnv: (index): Record<string, string> =>
      index === 1 ? { REVOCATION_SWEEP_MS: String(SWEEP_OFF_MS) } : {},
  });
}, 60_000);

afterAll(async () => {
  await cluster?.destroy();
});

afterEach(() => {
  destroyAll(peers);
  for (const socket of sockets) socket.disconnect();
  peers = [];
  sockets = [];
});

const api = (node: number) => adminApi(cluster.url(node), ADMIN_TOKEN);
const peer = (node: number, boardId: string, token: string): Peer => {
  const created = connectPeer(cluster.url(node), boardId, { token });
  peers.push(created);
  return created;
};
const raw = async (node: number) => {
  const socket = await connectRaw(cluster.url(node));
  sockets.push(socket);
  return socket;
};

describe('cluster administration', () => {
  it('a link revoked on node 1 removes its page on node 2 by its push; node 2 refuses it after', async () => {
    const boardId = newBoard();
    const editorLink = await api(0).mint(boardId, 'editor');
    const viewerLink = await api(0).mint(boardId, 'viewer');
    const keptLink = await api(1).mint(boardId, 'viewer');
    const editor = peer(0, boardId, editorLink.token);
    const viewer = peer(1, boardId, viewerLink.token);
    const kept = peer(1, boardId, keptLink.token);
    await Promise.all([editor, viewer, kept].map(whenLive));
    editor.doc.getMap('shapes').set('before', 1);
    await expectConverged([editor.doc, viewer.doc, kept.doc]);

    let heardAfterRevoke = 0;
    let revoked = false;
    viewer.provider.socket.on('doc:update', () => {
      if (revoked) heardAfterRevoke += 1;
    });
    await api(0).revoke(boardId, viewerLink.id);
    // Node 2's sweep is 10 minutes away: the push is the only way this can happen in the test's
    // time. How long it takes is a Redis hop (the bench's cross-node figure), not asserted here.
    const failed = await viewer.provider.when((s) => s.status === 'failed');
    revoked = true;
    expect(failed.error?.code).toBe(ErrorCode.LINK_REVOKED);

    editor.doc.getMap('shapes').set('after', 2);
    await whenSaved(editor);
    await expectConverged([editor.doc, kept.doc]);
    await viewer.provider.socket.timeout(5000).emitWithAck('board:leave', { boardId: 'barrier' });
    expect(heardAfterRevoke).toBe(0);
    for (const node of [0, 1]) {
      const socket = await raw(node);
      expect(await joinRaw(socket, boardId, undefined, viewerLink.token)).toMatchObject({
        ok: false,
        error: { code: ErrorCode.LINK_REVOKED },
      });
    }
  });

  it('a revocation only the database knows of (its push lost) still takes effect on every node', async () => {
    const boardId = newBoard();
    // Minted offline, as before links were stored: no row, revoked straight in PostgreSQL as
    // if the node that revoked it had died before pushing.
    const minted = await new TokenService(AUTH_SECRET).mint({
      board: boardId,
      role: 'viewer',
      ttlSeconds: 600,
    });
    const first = await raw(0);
    expect((await joinRaw(first, boardId, undefined, minted.token)).ok).toBe(true);
    const removed = new Promise<string>((resolve) => {
      first.on('board:error', (error) => {
        if (error.boardId === boardId) resolve(error.code);
      });
    });
    await cluster.pg.psql(
      `INSERT INTO links (link_id, scope, revoked_at)
       VALUES ('${minted.id}', '${boardId}', (extract(epoch FROM now()) * 1000)::int8)`,
      'drawbridge',
    );
    // The socket already on the board is removed by node 1's sweep (every GAP_CHECK_MS here).
    expect(await removed).toBe(ErrorCode.LINK_REVOKED);
    for (const node of [0, 1]) {
      const socket = await raw(node);
      expect(await joinRaw(socket, boardId, undefined, minted.token)).toMatchObject({
        ok: false,
        error: { code: ErrorCode.LINK_REVOKED },
      });
    }
  });

  it('lists members on every node, and deletes a board on every node', async () => {
    const boardId = newBoard();
    const link = await api(0).mint(boardId, 'editor');
    const [a, b, c] = [
      peer(0, boardId, link.token),
      peer(1, boardId, link.token),
      peer(1, boardId, link.token),
    ];
    a.doc.getMap('shapes').set('x', 1);
    await Promise.all([a, b, c].map(whenSaved));
    await expectConverged([a.doc, b.doc, c.doc]);

    for (const node of [0, 1]) {
      const { boards, complete } = await api(node).boards();
      expect(complete).toBe(true);
      expect(boards.find((board) => board.id === boardId)).toMatchObject({ members: 3 });
    }

    const answer = await api(1).deleteBoard(boardId);
    expect(answer).toEqual({ deleted: boardId, members: 3, complete: true });
    for (const removed of [a, b, c]) {
      const state = await removed.provider.when((s) => s.status === 'failed');
      expect(state.error?.code).toBe(ErrorCode.BOARD_DELETED);
    }
    const rows = await cluster.pg.psql(
      `SELECT (SELECT count(*) FROM updates WHERE board_id = '${boardId}')
            + (SELECT count(*) FROM snapshots WHERE board_id = '${boardId}')
            + (SELECT count(*) FROM boards WHERE board_id = '${boardId}')`,
      'drawbridge',
    );
    expect(rows.trim()).toBe('0');
    expect((await api(0).boards()).boards.some((board) => board.id === boardId)).toBe(false);
    // Its links stay dead on every node: refused as the board's (while the nodes still refuse
    // to load it) or as the link's (for good).
    const socket = await raw(0);
    const refused = await joinRaw(socket, boardId, undefined, link.token);
    expect(refused.ok).toBe(false);
    expect([ErrorCode.BOARD_DELETED, ErrorCode.LINK_REVOKED]).toContain(
      !refused.ok && refused.error.code,
    );
  });

  it('PostgreSQL stopped: members with links keep drawing together; a new connection waits for it', async () => {
    const boardId = newBoard();
    const link = await api(0).mint(boardId, 'editor');
    const [a, b] = [peer(0, boardId, link.token), peer(1, boardId, link.token)];
    a.doc.getMap('shapes').set('before', 1);
    await Promise.all([a, b].map(whenSaved));
    await cluster.pg.stop();
    try {
      // Each one's first edit is refused; its resync cannot read the link's revocations, and
      // keeps the grant it joined with: both stay live, drawing together.
      a.doc.getMap('shapes').set('a', 1);
      b.doc.getMap('shapes').set('b', 1);
      for (const p of [a, b])
        await p.provider.when((s) => s.error?.code === ErrorCode.STORAGE_ERROR);
      a.doc.getMap('shapes').set('a2', 2);
      b.doc.getMap('shapes').set('b2', 2);
      await expectConverged([a.doc, b.doc]);
      for (const p of [a, b]) {
        expect(p.provider.state.status).toBe('live');
        expect(p.provider.state.unsaved).toBeGreaterThan(0);
      }
      // A new connection with the same link is not a member: it waits for the database.
      const refused = await joinRaw(await raw(1), boardId, undefined, link.token);
      expect(refused.ok).toBe(false);
    } finally {
      await cluster.pg.restart();
    }
    await Promise.all([a, b].map((p) => whenSaved(p)));
    const late = peer(1, boardId, link.token);
    await whenSaved(late);
    await expectConverged([a.doc, b.doc, late.doc]);
    expect([...late.doc.getMap('shapes').keys()].sort()).toEqual(['a', 'a2', 'b', 'b2', 'before']);
  });
});
