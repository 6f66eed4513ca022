/**
 * The storage and cluster a configuration asks for, wired to the server's metrics. Called by
 * `main.ts` only; tests build what they need directly.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { RedisBus } from './cluster/RedisBus.js';
import type { ServerConfig } from './config.js';
import type { ClusterOptions } from './createServer.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { PostgresStorage } from './storage/PostgresStorage.js';
import { SqliteStorage } from './storage/SqliteStorage.js';
import type { Storage } from './storage/Storage.js';

export function createStorage(config: ServerConfig, logger: Logger, metrics: Metrics): Storage {
  const common = {
    logger: logger.child({ component: 'storage' }),
    onCommit: ({ records, seconds }: { records: number; seconds: number }) => {
      metrics.commitSeconds.observe(seconds);
      metrics.commitRecords.observe(records);
    },
    onCorrupt: () => metrics.corruptRecords.inc(),
  };
  if (config.databaseUrl) {
    return new PostgresStorage({
      ...common,
      connectionString: config.databaseUrl,
      onQuery: (op, seconds) => metrics.storageQuerySeconds.observe({ op }, seconds),
      onLockContended: () => metrics.lockContended.inc(),
    });
  }
  return new SqliteStorage({
    ...common,
    file: path.join(config.dataDir, 'drawbridge.sqlite'),
    synchronous: config.sqliteSynchronous,
  });
}

/**
 * With REDIS_URL: the bus between nodes and Socket.IO's sharded Redis adapter (Redis 7 sharded
 * pub/sub, dynamic subscriptions: a node hears only the rooms it has sockets in). The adapter
 * carries cross-node socket operations; board traffic goes through the bus, because every node
 * must apply it to its own copy of the board before relaying it to its members.
 */
export function createCluster(
  config: ServerConfig,
  logger: Logger,
  metrics: Metrics,
): ClusterOptions | null {
  if (!config.redisUrl) return null;
  const nodeId = config.nodeId ?? randomBytes(6).toString('base64url');
  const url = config.redisUrl;
  const bus = new RedisBus({
    url,
    nodeId,
    logger: logger.child({ component: 'bus', node: nodeId }),
    onMessage: (direction, type, bytes) => {
      metrics.clusterMessages.inc({ direction, type });
      metrics.clusterBytes.inc({ direction }, bytes);
    },
    onPublishLatency: (seconds) => metrics.redisPublishSeconds.observe(seconds),
    ...(config.testDropBus.length > 0
      ? { dropInbound: (message) => config.testDropBus.includes(message.type) }
      : {}),
  });
  if (config.testDropBus.length > 0) {
    logger.warn({ types: config.testDropBus }, 'test hook: dropping inbound bus messages');
  }
  const adapterClient = () => {
    const client = new Redis(url, { retryStrategy: (n: number) => Math.min(50 * n, 1000) });
    client.on('error', (error: Error) =>
      logger.warn({ err: error.message }, 'redis adapter connection error'),
    );
    return client;
  };
  const adapter = createShardedAdapter(adapterClient(), adapterClient(), {
    subscriptionMode: 'dynamic',
  });
  return { bus, adapter };
}
