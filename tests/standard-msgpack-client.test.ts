/**
 * Clients on Socket.IO's documented MessagePack parser, `socket.io-msgpack-parser` (notepack.io),
 * in Node: it sends byte arrays as ext type 0 and `undefined` as `d4 00 00` (PROTOCOL.md §2.2).
 * The whole sync flow against a real server, side by side with a Drawbridge provider.
 */
import { io } from 'socket.io-client';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { fetchBoard } from './utils/rawClient.js';
import { startServer, type TestServer } from './utils/server.js';
import { bytesOf, StandardClient } from './utils/standardClient.js';

describe('socket.io-msgpack-parser clients (Node)', () => {
  let server: TestServer;
  let clients: StandardClient[] = [];
  let peers: Peer[] = [];
  afterEach(async () => {
    for (const client of clients) client.close();
    clients = [];
    destroyAll(peers);
    peers = [];
    await server?.destroy();
  });

  const standard = async (boardId: string, transports?: ('websocket' | 'polling')[]) => {
    const client = await StandardClient.connect({
      url: server.url,
      boardId,
      parser: msgpackParser,
      sendBinaryAs: 'uint8array',
      ...(transports ? { transports } : {}),
    });
    clients.push(client);
    return client;
  };

  // Over WebSocket, and over HTTP long-polling (binary frames as base64 in the polling payload).
  for (const transports of [['websocket'], ['polling']] as const) {
    it(`joins, edits with acks, receives relayed updates and presence over ${transports[0]}`, async () => {
      server = await startServer();
      const boardId = `standard-${transports[0]}`;
      const a = await standard(boardId, [...transports]);
      const joinedA = await a.join();
      expect(joinedA).toMatchObject({ ok: true, role: 'editor' });
      expect(await a.edit((doc) => doc.getMap('shapes').set('a1', { kind: 'rect', x: 1 }))).toEqual(
        { ok: true },
      );

      // A second standard client gets A's edit in its join answer.
      const b = await standard(boardId, [...transports]);
      expect(await b.join()).toMatchObject({ ok: true });
      expect(b.doc.getMap('shapes').get('a1')).toEqual({ kind: 'rect', x: 1 });

      // And a Drawbridge provider on the same board.
      const peer = connectPeer(server.url, boardId);
      peers.push(peer);
      await whenLive(peer);

      // Relayed updates in every direction.
      expect(await a.edit((doc) => doc.getText('text').insert(0, 'from A'))).toEqual({ ok: true });
      expect(await b.edit((doc) => doc.getArray('order').push(['b1', 'b2']))).toEqual({ ok: true });
      peer.doc.getMap('shapes').set('p1', { kind: 'ellipse', r: 3 });
      await whenSaved(peer);
      await expectConverged([a.doc, b.doc, peer.doc]);
      expect(a.received.docUpdates).toBeGreaterThanOrEqual(2);
      expect(b.received.docUpdates).toBeGreaterThanOrEqual(2);

      // Presence: both standard clients and the provider see each other.
      expect(await a.setPresence({ name: 'Ada' })).toEqual({ ok: true });
      expect(await b.setPresence({ name: 'Bob' })).toEqual({ ok: true });
      peer.provider.awareness.setLocalState({ name: 'Pat' });
      await vi.waitFor(
        () => {
          for (const client of [a, b])
            expect(client.presenceNames()).toEqual(['Ada', 'Bob', 'Pat']);
          const names = [...peer.provider.awareness.getStates().values()]
            .map((s) => (s as { name?: string }).name)
            .sort();
          expect(names).toEqual(['Ada', 'Bob', 'Pat']);
        },
        { timeout: 5000, interval: 20 },
      );

      // What the server stored is what everyone has.
      const stored = await fetchBoard(server.url, boardId);
      await expectConverged([a.doc, b.doc, peer.doc, stored]);
      stored.destroy();
      expect([...a.received.errors, ...b.received.errors]).toEqual([]);
    });
  }

  it('joins on connect: the state vector in the CONNECT auth as ext type 0, answered by board:joined', async () => {
    server = await startServer();
    const peer = connectPeer(server.url, 'standard-on-connect');
    peers.push(peer);
    await whenLive(peer);
    peer.doc.getMap('shapes').set('p1', { kind: 'rect', x: 4 });
    await whenSaved(peer);

    const doc = new Y.Doc();
    const socket = io(server.url, {
      parser: msgpackParser,
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      // notepack.io writes this Uint8Array as ext type 0 (PROTOCOL.md §2.2).
      auth: {
        join: {
          boardId: 'standard-on-connect',
          protocol: 1,
          stateVector: Y.encodeStateVector(doc),
        },
      },
    });
    try {
      const joined = await new Promise<{ ok: boolean; role?: string; update?: unknown }>(
        (resolve, reject) => {
          socket.once('board:joined', resolve);
          socket.once('connect_error', reject);
        },
      );
      expect(joined).toMatchObject({ ok: true, role: 'editor', boardId: 'standard-on-connect' });
      Y.applyUpdate(doc, bytesOf(joined.update));
      await expectConverged([peer.doc, doc]);
    } finally {
      socket.disconnect();
    }
  });

  it('a standard client with offline edits sends them after its join', async () => {
    server = await startServer();
    const doc = new Y.Doc();
    doc.getMap('shapes').set('offline', { kind: 'text', value: 'written offline' });
    const peer = connectPeer(server.url, 'offline-standard');
    peers.push(peer);
    await whenLive(peer);
    peer.doc.getMap('shapes').set('online', { kind: 'rect' });
    await whenSaved(peer);

    const client = await StandardClient.connect({
      url: server.url,
      boardId: 'offline-standard',
      parser: msgpackParser,
      sendBinaryAs: 'uint8array',
      doc,
    });
    clients.push(client);
    expect(await client.join()).toMatchObject({ ok: true });
    await expectConverged([client.doc, peer.doc]);
    expect(Object.keys(peer.doc.getMap('shapes').toJSON()).sort()).toEqual(['offline', 'online']);
  });

  it("notepack's whole-buffer bug: a view into a larger buffer is refused, the board unchanged", async () => {
    server = await startServer();
    const client = await standard('views');
    expect(await client.join()).toMatchObject({ ok: true });
    expect(await client.edit((doc) => doc.getMap('shapes').set('kept', 1))).toEqual({ ok: true });
    const before = await fetchBoard(server.url, 'views');

    // A valid update as a view in the middle of a larger buffer: notepack sends all of it.
    const source = new Y.Doc();
    source.getMap('shapes').set('leaked', 2);
    const update = Y.encodeStateAsUpdate(source);
    const larger = new Uint8Array(update.byteLength + 64).fill(0x2a);
    larger.set(update, 32);
    const view = larger.subarray(32, 32 + update.byteLength);
    expect(await client.send(view)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_UPDATE' },
    });

    // The same for a state vector in a join.
    const sv = Y.encodeStateVector(source);
    const svLarger = new Uint8Array(sv.byteLength + 16).fill(0x7f);
    svLarger.set(sv, 8);
    const joinAck = await client.socket.timeout(5000).emitWithAck('board:join', {
      boardId: 'views',
      protocol: 1,
      stateVector: svLarger.subarray(8, 8 + sv.byteLength),
    });
    expect(joinAck).toMatchObject({ ok: false, error: { code: 'INVALID_UPDATE' } });

    // The same bytes copied out of the view are fine.
    expect(await client.send(Uint8Array.from(view))).toEqual({ ok: true });
    const after = await fetchBoard(server.url, 'views');
    expect(after.getMap('shapes').toJSON()).toEqual({
      ...before.getMap('shapes').toJSON(),
      leaked: 2,
    });
    before.destroy();
    after.destroy();
    source.destroy();
  });
});
