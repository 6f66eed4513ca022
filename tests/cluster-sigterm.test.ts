/**
 * A graceful exit in a cluster behind the documented nginx: SIGTERM on one node while its
 * clients (WebSocket and polling) draw. The node stops accepting work, stores what it accepted,
 * closes its clients' connections and exits 0; its clients come back through nginx on another
 * node and resync, with nothing lost.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentVersion } from '../apps/server/src/rooms/documentVersion.js';
import { startCluster, type TestCluster } from './utils/cluster.js';
import { type Nginx, startNginx } from './utils/nginx.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import {
  addressesByUpstream,
  type ProxiedClients,
  proxiedClients,
  type Transport,
} from './utils/proxiedClients.js';
import { fetchBoard } from './utils/rawClient.js';

const ADMIN_TOKEN = 'sigterm-test-admin-token-0123456789abcdef';

let cluster: TestCluster;
let nginx: Nginx;
let clients: ProxiedClients;
let upstreams: string[];
let addresses: Map<string, string[]>;
let peers: Peer[] = [];

beforeAll(async () => {
  cluster = await startCluster({ nodes: 3, env: { ADMIN_TOKEN } });
  upstreams = cluster.nodes.map((node) => `127.0.0.1:${node!.port}`);
  nginx = await startNginx({ nodes: upstreams });
  clients = proxiedClients(nginx);
  addresses = await addressesByUpstream(nginx, upstreams, 2);
}, 60_000);

afterAll(async () => {
  await nginx?.destroy();
  await cluster?.destroy();
});

afterEach(() => {
  destroyAll(peers);
  peers = [];
  clients.closeAll();
});

const proxiedPeer = (boardId: string, node: number, n: number, transports: Transport[]) => {
  const address = addresses.get(upstreams[node]!)![n]!;
  const peer = connectPeer(nginx.httpsUrl, boardId, {
    socket: clients.socket(address, transports),
  });
  peers.push(peer);
  return peer;
};

let next = 0;
const draw = (peer: Peer, tag: string) => {
  const key = `${tag}-${next++}`;
  peer.doc.transact(() => {
    const shape = new Y.Map<unknown>();
    shape.set('x', next);
    peer.doc.getMap('shapes').set(key, shape);
  });
  return key;
};

it('SIGTERM: the node flushes and exits 0; its clients resume on another node with nothing lost', async () => {
  const boardId = `sigterm-${process.pid}`;
  const leaving = [
    proxiedPeer(boardId, 1, 0, ['websocket']),
    proxiedPeer(boardId, 1, 1, ['polling']),
  ];
  const staying = [
    proxiedPeer(boardId, 0, 0, ['websocket']),
    proxiedPeer(boardId, 2, 0, ['websocket']),
  ];
  const all = [...leaving, ...staying];
  await Promise.all(all.map(whenLive));

  const drawn: string[] = [];
  for (let i = 0; i < 30; i++)
    for (const peer of all) drawn.push(draw(peer, `p${all.indexOf(peer)}`));
  // Mid-edit: the leaving node's clients have changes in flight when the signal comes.
  for (const peer of leaving) for (let i = 0; i < 10; i++) drawn.push(draw(peer, 'late'));
  const exit = cluster.nodes[1]!.kill('SIGTERM');
  for (const peer of leaving) drawn.push(draw(peer, 'during'));
  expect(await exit).toEqual({ code: 0, signal: null });

  // They come back through nginx on a surviving node and resync what was not acked.
  await Promise.all(all.map(whenSaved));
  for (const peer of leaving) expect(peer.provider.state.status).toBe('live');
  await expectConverged(all.map((p) => p.doc));
  const keys = new Set(all[0]!.doc.getMap('shapes').keys());
  expect(drawn.filter((key) => !keys.has(key))).toEqual([]);

  // The surviving nodes hold exactly that board, in memory and in storage.
  const stored = await fetchBoard(cluster.url(2), boardId);
  await expectConverged([all[0]!.doc, stored]);
  for (const node of [0, 2]) {
    const res = await fetch(`${cluster.url(node)}/api/boards/${boardId}/status`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(((await res.json()) as { version: string }).version).toBe(documentVersion(all[0]!.doc));
  }
  // The node said goodbye: no cursor of its clients lingers on the others for 5 s.
  const log = cluster.nodes[0]!.logs.join('\n');
  expect(log).toMatch(
    /node left the cluster.*"reason":"bye"|"reason":"bye".*node left the cluster/,
  );
});
