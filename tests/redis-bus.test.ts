/**
 * The cluster's Redis bus against a real `redis-server`: what it tells the node when Redis comes
 * (back), which the node's catch-up from storage and its presence announcements hang on.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { RedisBus } from '../apps/server/src/cluster/RedisBus.js';
import { silentLogger } from '../apps/server/src/logger.js';
import { type RedisServer, startRedis } from './utils/redis.js';

let redis: RedisServer | undefined;
let bus: RedisBus | undefined;

afterEach(async () => {
  await bus?.close();
  await redis?.destroy();
  bus = undefined;
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
