import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectPeer, destroyAll, expectConverged, type Peer, whenLive } from './utils/peers.js';
import { startServer, type TestServer } from './utils/server.js';

const names = (peer: Peer) =>
  [...peer.provider.awareness.getStates().values()]
    .map((s) => (s as { name?: string }).name)
    .filter((name) => name !== undefined)
    .sort();

describe('awareness', () => {
  let server: TestServer;
  let peers: Peer[] = [];
  afterEach(async () => {
    destroyAll(peers);
    peers = [];
    await server?.destroy();
  });

  it('relays presence and removes a disconnected client within 1 s', async () => {
    server = await startServer();
    const a = connectPeer(server.url, 'presence');
    const b = connectPeer(server.url, 'presence');
    const c = connectPeer(server.url, 'presence');
    peers = [a, b, c];
    await Promise.all(peers.map(whenLive));
    a.provider.awareness.setLocalState({ name: 'Ada', cursor: { x: 1, y: 2 } });
    b.provider.awareness.setLocalState({ name: 'Bob' });
    c.provider.awareness.setLocalState({ name: 'Cy' });
    await vi.waitFor(() => expect(names(b)).toEqual(['Ada', 'Bob', 'Cy']), { timeout: 5000 });

    // A late joiner receives everyone's state in its join answer.
    const d = connectPeer(server.url, 'presence');
    peers.push(d);
    await whenLive(d);
    expect(names(d)).toEqual(['Ada', 'Bob', 'Cy']);

    // A vanishes without leaving (socket closed): the others drop it at once, not after 30 s.
    const gone = Date.now();
    a.provider.socket.disconnect();
    await vi.waitFor(
      () => {
        expect(names(b)).toEqual(['Bob', 'Cy']);
        expect(names(c)).toEqual(['Bob', 'Cy']);
        expect(names(d)).toEqual(['Bob', 'Cy']);
      },
      { timeout: 1000, interval: 10 },
    );
    expect(Date.now() - gone).toBeLessThan(1000);
    await expectConverged([b.doc, c.doc, d.doc]);
  });

  it('a client that leaves the board is removed for the others too', async () => {
    server = await startServer();
    const a = connectPeer(server.url, 'leave');
    const b = connectPeer(server.url, 'leave');
    peers = [a, b];
    await Promise.all(peers.map(whenLive));
    a.provider.awareness.setLocalState({ name: 'Ada' });
    await vi.waitFor(() => expect(names(b)).toContain('Ada'), { timeout: 5000 });
    a.provider.destroy();
    await vi.waitFor(() => expect(names(b)).not.toContain('Ada'), { timeout: 1000, interval: 10 });
    await expectConverged([b.doc, b.doc]);
  });
});
