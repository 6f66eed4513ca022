import { afterEach, describe, expect, it } from 'vitest';
import { connectPeer, destroyAll, expectConverged, type Peer, whenLive, whenSaved } from './utils/peers.js';
import { startServer, type TestServer } from './utils/server.js';

describe('sync', () => {
  let server: TestServer;
  let peers: Peer[] = [];
  afterEach(async () => {
    destroyAll(peers);
    peers = [];
    await server?.destroy();
  });

  it('two peers converge', async () => {
    server = await startServer();
    peers = [connectPeer(server.url, 'b1'), connectPeer(server.url, 'b1')];
    await Promise.all(peers.map(whenLive));
    peers[0]!.doc.getMap('shapes').set('a', { x: 1 });
    peers[1]!.doc.getText('text').insert(0, 'hello');
    await Promise.all(peers.map(whenSaved));
    await expectConverged(peers.map((p) => p.doc));
    expect(peers[1]!.doc.getMap('shapes').get('a')).toEqual({ x: 1 });
  });
});
