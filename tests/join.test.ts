import { parser } from '@drawbridge/protocol';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { startServer, type TestServer } from './utils/server.js';

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
});
