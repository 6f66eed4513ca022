import { afterEach, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { createRandom } from './utils/random.js';
import { startServer, type TestServer } from './utils/server.js';

/** One random edit on one of the root types the tests compare. */
function randomEdit(doc: Y.Doc, random: ReturnType<typeof createRandom>, tag: string): void {
  const shapes = doc.getMap<unknown>('shapes');
  const order = doc.getArray<string>('order');
  const text = doc.getText('text');
  switch (random.int(6)) {
    case 0:
      shapes.set(`${tag}-${random.int(20)}`, { x: random.int(1000), y: random.int(1000) });
      break;
    case 1: {
      const keys = [...shapes.keys()];
      if (keys.length > 0) shapes.delete(random.pick(keys));
      break;
    }
    case 2:
      order.insert(random.int(order.length + 1), [tag]);
      break;
    case 3:
      if (order.length > 0) order.delete(random.int(order.length), 1);
      break;
    case 4:
      text.insert(random.int(text.length + 1), `${tag}✏️`);
      break;
    default: {
      if (text.length > 2) text.delete(random.int(text.length - 1), 2);
      break;
    }
  }
}

describe('sync between peers', () => {
  let server: TestServer;
  let peers: Peer[] = [];
  afterEach(async () => {
    destroyAll(peers);
    peers = [];
    await server?.destroy();
  });

  it('two peers converge under random concurrent edits', async () => {
    server = await startServer();
    peers = [connectPeer(server.url, 'two'), connectPeer(server.url, 'two')];
    await Promise.all(peers.map(whenLive));
    const random = createRandom(2);
    for (let round = 0; round < 200; round++) {
      const index = random.int(peers.length);
      randomEdit(peers[index]!.doc, random, `p${index}`);
    }
    await Promise.all(peers.map(whenSaved));
    await expectConverged(peers.map((p) => p.doc));
    expect(
      peers[0]!.doc.getMap('shapes').size + peers[0]!.doc.getText('text').length,
    ).toBeGreaterThan(0);
  });

  it('ten peers converge under random concurrent edits, and so does the stored board', async () => {
    server = await startServer();
    peers = Array.from({ length: 10 }, () => connectPeer(server.url, 'ten'));
    await Promise.all(peers.map(whenLive));
    const random = createRandom(10);
    // Edits interleave across peers while earlier ones are still in flight.
    for (let round = 0; round < 500; round++) {
      const index = random.int(peers.length);
      randomEdit(peers[index]!.doc, random, `p${index}`);
      if (round % 50 === 0) await Promise.resolve();
    }
    await Promise.all(peers.map(whenSaved));
    await expectConverged(peers.map((p) => p.doc));
    const serverDoc = server.server.rooms.get('ten')?.doc;
    expect(serverDoc).toBeDefined();
    // A late joiner gets the same board from the server.
    const late = connectPeer(server.url, 'ten');
    peers.push(late);
    await whenLive(late);
    await expectConverged([...peers.map((p) => p.doc), serverDoc!]);
  });

  it('keeps boards apart: one socket may join several boards', async () => {
    server = await startServer();
    const a = connectPeer(server.url, 'board-a');
    const b = connectPeer(server.url, 'board-b', { socket: a.provider.socket });
    const a2 = connectPeer(server.url, 'board-a');
    const b2 = connectPeer(server.url, 'board-b');
    peers = [a, b, a2, b2];
    await Promise.all(peers.map(whenLive));
    a.doc.getMap('shapes').set('only-a', 1);
    b.doc.getMap('shapes').set('only-b', 2);
    await Promise.all(peers.map(whenSaved));
    await expectConverged([a.doc, a2.doc]);
    await expectConverged([b.doc, b2.doc]);
    expect(a2.doc.getMap('shapes').toJSON()).toEqual({ 'only-a': 1 });
    expect(b2.doc.getMap('shapes').toJSON()).toEqual({ 'only-b': 2 });
  });
});
