/**
 * A board's relay is framed once and written straight to each WebSocket member's TCP socket
 * (http/LocalBroadcast.ts); members on long polling, and members with packets still queued in
 * Engine.IO, get it through Engine.IO. Either way every member gets every change, in order.
 */
import type { AckResult } from '@drawbridge/protocol';
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
import { createRandom } from './utils/random.js';
import { connectRaw, joinRaw, type RawSocket, sendUpdate } from './utils/rawClient.js';
import { startServer, type TestServer } from './utils/server.js';

/** What the test reaches of a server-side Engine.IO connection. */
interface EngineConnection {
  transport: { name: string; writable: boolean };
  writeBuffer: unknown[];
  flush(): void;
}

const updateSetting = (key: string, value: number): Uint8Array => {
  const doc = new Y.Doc();
  doc.getMap('shapes').set(key, { x: value });
  return Y.encodeStateAsUpdate(doc);
};

describe('local broadcast', () => {
  let server: TestServer | undefined;
  let peers: Peer[] = [];
  let sockets: RawSocket[] = [];
  afterEach(async () => {
    destroyAll(peers);
    for (const socket of sockets) socket.disconnect();
    peers = [];
    sockets = [];
    await server?.destroy();
    server = undefined;
  });

  it('members on WebSocket and on long polling all get every relay and converge', async () => {
    server = await startServer();
    peers = [
      connectPeer(server.url, 'mixed'),
      connectPeer(server.url, 'mixed'),
      connectPeer(server.url, 'mixed', { transports: ['polling'] }),
      connectPeer(server.url, 'mixed', { transports: ['polling', 'websocket'] }),
    ];
    await Promise.all(peers.map(whenLive));
    const random = createRandom(7);
    for (let round = 0; round < 300; round++) {
      const index = random.int(peers.length);
      const shapes = peers[index]!.doc.getMap('shapes');
      shapes.set(`p${index}-${random.int(40)}`, { x: random.int(1000), round });
      if (round % 3 === 0) peers[index]!.doc.getText('text').insert(0, `${index}`);
      // Let some rounds reach the server apart and some together (one merged relay).
      if (random.int(4) === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(peers.map(whenSaved));
    await expectConverged(peers.map((peer) => peer.doc));
    // Every edit made it: each peer wrote its share of the text.
    expect(peers[0]!.doc.getText('text').length).toBe(100);
  });

  it('a member with packets queued in Engine.IO gets the relay after them, in order', async () => {
    server = await startServer();
    const writer = await connectRaw(server.url);
    const reader = await connectRaw(server.url);
    sockets = [writer, reader];
    expect((await joinRaw(writer, 'queued')).ok).toBe(true);
    expect((await joinRaw(reader, 'queued')).ok).toBe(true);
    const received: Uint8Array[] = [];
    reader.on('doc:update', ({ update }) => received.push(update));

    // The reader's transport is busy with an earlier write: what the server sends it now waits
    // in Engine.IO's write buffer.
    const serverSocket = server.server.io.sockets.sockets.get(reader.id!)!;
    const conn = serverSocket.conn as unknown as EngineConnection;
    expect(conn.transport.name).toBe('websocket');
    conn.transport.writable = false;
    const first = updateSetting('first', 1);
    serverSocket.emit('doc:update', { boardId: 'queued', update: first });
    expect(conn.writeBuffer.length).toBe(1);

    // A member's edit is relayed meanwhile: it must queue behind, not overtake.
    const second = updateSetting('second', 2);
    const ack: AckResult = await sendUpdate(writer, 'queued', second);
    expect(ack.ok).toBe(true);
    expect(conn.writeBuffer.length).toBe(2);
    expect(received).toHaveLength(0);

    conn.transport.writable = true;
    conn.flush();
    await vi.waitFor(() => expect(received).toHaveLength(2), { timeout: 5000, interval: 10 });
    expect(Buffer.from(received[0]!).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(received[1]!).equals(Buffer.from(second))).toBe(true);

    // And once the queue is empty, relays take the direct path again, still in order.
    const third = updateSetting('third', 3);
    expect((await sendUpdate(writer, 'queued', third)).ok).toBe(true);
    await vi.waitFor(() => expect(received).toHaveLength(3), { timeout: 5000, interval: 10 });
    expect(Buffer.from(received[2]!).equals(Buffer.from(third))).toBe(true);
  });
});
