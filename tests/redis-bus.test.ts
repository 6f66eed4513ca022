/**
 * The cluster's Redis bus against a real `redis-server`: what it tells the node when Redis comes
 * (back), which the node's catch-up from storage and its presence announcements hang on.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { RedisBus } from '../apps/server/src/cluster/RedisBus.js';
import { silentLogger } from '../apps/server/src/logger.js';
import { type RedisServer, startRedis } from './utils/redis.js';
import { startTcpProxy, type TcpProxy } from './utils/tcpProxy.js';

let redis: RedisServer | undefined;
let bus: RedisBus | undefined;
let other: RedisBus | undefined;
let proxy: TcpProxy | undefined;

afterEach(async () => {
  await bus?.close();
  await other?.close();
  await proxy?.close();
  await redis?.destroy();
  bus = undefined;
  other = undefined;
  proxy = undefined;
  redis = undefined;
});

it('a node started while Redis is down catches up its boards once Redis is there', async () => {
  redis = await startRedis();
  await redis.kill();
  bus = new RedisBus({ url: redis.url, nodeId: 'node-1', logger: silentLogger });
  let reconnects = 0;
  bus.onReconnect(() => reconnects++);
  // A client joined a board meanwhile: it loaded, unsubscribed, its members unannounced.
  await bus.subscribeBoard('board-1', () => {});
  expect(bus.connected).toBe(false);

  await redis.restart();
  await vi.waitFor(() => expect(reconnects).toBe(1), { timeout: 5000, interval: 20 });
  expect(bus.connected).toBe(true);
});

it('runs the catch-up only once the publishing connection is back too', async () => {
  redis = await startRedis();
  proxy = await startTcpProxy(redis.port);
  bus = new RedisBus({
    url: `redis://127.0.0.1:${proxy.port}`,
    nodeId: 'node-1',
    logger: silentLogger,
  });
  other = new RedisBus({ url: redis.url, nodeId: 'node-2', logger: silentLogger });
  const heardByOther: string[] = [];
  await vi.waitFor(() => expect(other?.connected).toBe(true), { timeout: 5000, interval: 20 });
  await other.subscribeBoard('board-1', (message) => heardByOther.push(message.type));
  await vi.waitFor(() => expect(bus?.connected).toBe(true), { timeout: 5000, interval: 20 });
  const heard: string[] = [];
  await bus.subscribeBoard('board-1', (message) => heard.push(message.type));
  // What a node's catch-up does after a reconnect: announce its members on its boards.
  const connectedAtCatchUp: boolean[] = [];
  bus.onReconnect(() => {
    connectedAtCatchUp.push(bus?.connected ?? false);
    bus?.publishBoard({ type: 'query', node: 'node-1', boardId: 'board-1' });
  });

  // Every connection drops; the publishing one comes back last.
  proxy.hold('drawbridge-pub-node-1');
  proxy.cutAll();
  // The board's channel is subscribed again: node-1 hears node-2 on it.
  await vi.waitFor(
    () => {
      other?.publishBoard({ type: 'query', node: 'node-2', boardId: 'board-1' });
      expect(heard).toContain('query');
    },
    { timeout: 5000, interval: 50 },
  );
  expect(bus.connected).toBe(false);
  expect(connectedAtCatchUp).toEqual([]);

  proxy.release();
  await vi.waitFor(() => expect(connectedAtCatchUp).toEqual([true]), {
    timeout: 5000,
    interval: 20,
  });
  // The announcement made in the catch-up reached the other node.
  await vi.waitFor(() => expect(heardByOther).toContain('query'), {
    timeout: 5000,
    interval: 20,
  });
});

it('a node that starts with Redis there has nothing to catch up on its first connection', async () => {
  redis = await startRedis();
  bus = new RedisBus({ url: redis.url, nodeId: 'node-1', logger: silentLogger });
  let reconnects = 0;
  bus.onReconnect(() => reconnects++);
  await vi.waitFor(() => expect(bus?.connected).toBe(true), { timeout: 5000, interval: 20 });
  // A board subscribed now gets its messages: the first connection's setup has run.
  const received: string[] = [];
  await bus.subscribeBoard('board-1', (message) => received.push(message.type));
  bus.publishBoard({ type: 'query', node: 'node-2', boardId: 'board-1' });
  await vi.waitFor(() => expect(received).toEqual(['query']), { timeout: 5000, interval: 20 });
  expect(reconnects).toBe(0);
});
