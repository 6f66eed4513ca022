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

  it('a client whose connection dropped is shown again as soon as it is back', async () => {
    server = await startServer();
    const a = connectPeer(server.url, 'back');
    const b = connectPeer(server.url, 'back');
    peers = [a, b];
    await Promise.all(peers.map(whenLive));
    a.provider.awareness.setLocalState({ name: 'Ada' });
    await vi.waitFor(() => expect(names(b)).toContain('Ada'), { timeout: 5000 });

    b.provider.awareness.setLocalState({ name: 'Bob' });
    await vi.waitFor(
      () => {
        expect(names(a)).toEqual(['Ada', 'Bob']);
        expect(names(b)).toEqual(['Ada', 'Bob']);
      },
      { timeout: 5000 },
    );

    // The network drops A: the others lose its state, and it theirs; it reconnects by itself.
    const removed = { fromA: false, fromB: false };
    const removedFrom = (peer: Peer, key: keyof typeof removed, id: number) =>
      peer.provider.awareness.on('change', ({ removed: ids }: { removed: number[] }) => {
        if (ids.includes(id)) removed[key] = true;
      });
    removedFrom(a, 'fromA', b.doc.clientID);
    removedFrom(b, 'fromB', a.doc.clientID);
    a.provider.socket.io.engine.close();
    await vi.waitFor(() => expect(removed).toEqual({ fromA: true, fromB: true }), {
      timeout: 1000,
      interval: 10,
    });
    // Neither state changed meanwhile (same clocks): each side still takes the other's back at
    // once, not when the awareness renews it (every 15 s).
    await vi.waitFor(
      () => {
        expect(names(a)).toEqual(['Ada', 'Bob']);
        expect(names(b)).toEqual(['Ada', 'Bob']);
      },
      { timeout: 1000, interval: 10 },
    );
    await expectConverged([a.doc, b.doc]);
  });
});
