/**
 * A node hears the others' heartbeats and goodbyes whatever boards it holds, none included.
 * Boards ride sharded channels (SSUBSCRIBE) and heartbeats a classic one (SUBSCRIBE); Redis
 * counts the two kinds apart, so unsubscribing a connection's last board answers "0 left" while
 * the classic subscription stands, and a client that took that for "no subscriptions at all"
 * (ioredis does) stops passing the classic channel's messages on.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startCluster, type TestCluster } from './utils/cluster.js';
import { connectPeer, destroyAll, whenSaved } from './utils/peers.js';

const ADMIN_TOKEN = 'heartbeats-test-admin-token-0123456789abcdef';
let cluster: TestCluster;

beforeAll(async () => {
  // Boards unload 200 ms after their last member leaves.
  cluster = await startCluster({ nodes: 2, env: { ADMIN_TOKEN, IDLE_UNLOAD_MS: '200' } });
}, 60_000);

afterAll(async () => {
  await cluster?.destroy();
});

async function loadedOn(node: number, boardId: string): Promise<boolean> {
  const res = await fetch(`${cluster.url(node)}/api/boards/${boardId}/status`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return ((await res.json()) as { loaded: boolean }).loaded;
}

it('a node that unloaded its last board still hears the others leave', async () => {
  const [first, second] = [cluster.nodes[0]!, cluster.nodes[1]!];
  const boardId = 'heartbeats-board';
  const member = connectPeer(first.url, boardId);
  member.doc.getMap('shapes').set('a', { kind: 'rect' });
  await whenSaved(member);
  destroyAll([member]);
  // Its only board unloaded: node 1 holds no board channel any more.
  await vi.waitFor(async () => expect(await loadedOn(0, boardId)).toBe(false), {
    timeout: 10_000,
    interval: 50,
  });
  // Node 2 leaves with a goodbye: node 1 must hear it (reason "bye"), not find it silent later.
  const exit = await second.kill('SIGTERM');
  expect(exit.code).toBe(0);
  await vi.waitFor(
    () => {
      const left = first.logs.find((line) => line.includes('node left the cluster'));
      expect(left).toBeDefined();
      expect(JSON.parse(left!)).toMatchObject({ node: 'node-2', reason: 'bye' });
    },
    { timeout: 10_000, interval: 50 },
  );
  expect(first.logs.filter((line) => line.includes('Command queue state error'))).toEqual([]);
});
