import { ErrorCode, parser } from '@drawbridge/protocol';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { SqliteStorage } from '../apps/server/src/storage/SqliteStorage.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { dbFile, startServer, type TestServer, tempDir } from './utils/server.js';

/** Real SQLite storage whose loads fail while `failing` (a disk that cannot be read). */
class UnreadableStorage extends SqliteStorage {
  failing = true;
  override load(boardId: string) {
    if (this.failing) return Promise.reject(new Error('disk I/O error (test)'));
    return super.load(boardId);
  }
}

describe('joining', () => {
  let server: TestServer;
  let peers: Peer[] = [];
  afterEach(async () => {
    destroyAll(peers);
    peers = [];
    await server?.destroy();
  });

  it('a late joiner receives the whole board; a rejoin transfers only the missing diff', async () => {
    server = await startServer();
    const author = connectPeer(server.url, 'late');
    peers.push(author);
    await whenLive(author);
    const shapes = author.doc.getMap('shapes');
    for (let i = 0; i < 300; i++)
      shapes.set(`shape-${i}`, { x: i, y: i * 2, label: 'x'.repeat(20) });
    author.doc.getText('text').insert(0, 'hello board');
    await whenSaved(author);

    const socket = io(server.url, { parser, transports: ['websocket'], forceNew: true });
    try {
      const fresh = new Y.Doc();
      const first = await socket.timeout(5000).emitWithAck('board:join', {
        boardId: 'late',
        protocol: 1,
        stateVector: Y.encodeStateVector(fresh),
      });
      if (!first.ok) throw new Error(first.error.message);
      Y.applyUpdate(fresh, first.update);
      await expectConverged([author.doc, fresh]);
      const full = first.update.byteLength;
      expect(full).toBeGreaterThan(10_000);

      // Rejoin with everything: the answer carries no structs at all.
      const again = await socket.timeout(5000).emitWithAck('board:join', {
        boardId: 'late',
        protocol: 1,
        stateVector: Y.encodeStateVector(fresh),
      });
      if (!again.ok) throw new Error(again.error.message);
      expect(again.update.byteLength).toBeLessThan(16);

      // One more edit on the board: a rejoin transfers about that edit, not the board.
      author.doc.getMap('shapes').set('one-more', { x: 1 });
      await whenSaved(author);
      const diff = await socket.timeout(5000).emitWithAck('board:join', {
        boardId: 'late',
        protocol: 1,
        stateVector: Y.encodeStateVector(fresh),
      });
      if (!diff.ok) throw new Error(diff.error.message);
      expect(diff.update.byteLength).toBeLessThan(100);
      expect(diff.update.byteLength).toBeLessThan(full / 100);
      Y.applyUpdate(fresh, diff.update);
      await expectConverged([author.doc, fresh]);
      // The server's state vector in the answer is the board's: now also the fresh doc's.
      expect(new Uint8Array(diff.stateVector)).toEqual(Y.encodeStateVector(fresh));
    } finally {
      socket.disconnect();
    }
  });

  it('the joining client sends what the server lacks, and both sides end equal', async () => {
    server = await startServer();
    const doc = new Y.Doc();
    doc.getMap('shapes').set('made-before-connecting', { x: 5 });
    doc.getText('text').insert(0, 'offline first');
    const peer = connectPeer(server.url, 'push', { doc });
    const other = connectPeer(server.url, 'push');
    peers.push(peer, other);
    await Promise.all([whenSaved(peer), whenLive(other)]);
    await expectConverged([doc, other.doc]);
    expect(other.doc.getMap('shapes').get('made-before-connecting')).toEqual({ x: 5 });
  });

  it('a join refused again and again is retried less and less often, and gets in once it can', async () => {
    const storage = new UnreadableStorage({ file: dbFile(tempDir()) });
    server = await startServer({ storage });
    const peer = connectPeer(server.url, 'unreadable');
    peers.push(peer);
    const joins: number[] = [];
    peer.provider.socket.onAnyOutgoing((event) => {
      if (event === 'board:join') joins.push(performance.now());
    });
    const refused = await peer.provider.when((s) => s.error !== null);
    expect(refused.error?.code).toBe(ErrorCode.STORAGE_ERROR);
    // The first join rode in the CONNECT (an owned socket, PROTOCOL.md §2.3); its retries are
    // sent as `board:join`, about 1 s, 2 s, then 4 s after each refusal (half to one and a half
    // times that): the second and third are never less than 1 s and 2 s apart.
    await vi.waitFor(() => expect(joins.length).toBeGreaterThanOrEqual(3), {
      timeout: 20_000,
      interval: 50,
    });
    const gaps = joins.slice(1, 3).map((t, i) => t - joins[i]!);
    for (const [i, gap] of gaps.entries()) {
      expect(gap).toBeGreaterThanOrEqual(2 ** i * 1000 - 5);
    }
    expect(peer.provider.state.status).not.toBe('live');

    // A new connection starts the count again: after its join is refused, the next try comes
    // within the first backoff (1.5 s at most), not the fourth (4 s at least).
    const socket = peer.provider.socket;
    socket.disconnect();
    const reconnectedAt = performance.now();
    const before = joins.length;
    socket.connect();
    await vi.waitFor(() => expect(joins.length).toBeGreaterThan(before), {
      timeout: 20_000,
      interval: 20,
    });
    expect(joins[before]! - reconnectedAt).toBeLessThan(3500);

    storage.failing = false;
    peer.doc.getMap('shapes').set('kept', { x: 1 });
    await whenSaved(peer);
    const other = connectPeer(server.url, 'unreadable');
    peers.push(other);
    await whenLive(other);
    await expectConverged([peer.doc, other.doc]);
    expect(other.doc.getMap('shapes').get('kept')).toEqual({ x: 1 });
  }, 60_000);
});
