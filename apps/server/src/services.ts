/**
 * The storage and cluster a configuration asks for, wired to the server's metrics. Called by
 * `main.ts` only; tests build what they need directly. PostgreSQL's driver, the Redis client and
 * Socket.IO's Redis adapter are loaded only when configured (a lazy chunk of the bundle each):
 * a single node boots without them (about a tenth less start-up).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { testDrops } from './cluster/testDrops.js';
import type { ServerConfig } from './config.js';
import type { ClusterOptions } from './createServer.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { SqliteStorage } from './storage/SqliteStorage.js';
import type { Storage } from './storage/Storage.js';
import { DataFileInUseError } from './storage/sqlite/DataFileLock.js';

export async function createStorage(
  config: ServerConfig,
  logger: Logger,
  metrics: Metrics,
): Promise<Storage> {
  const common = {
    logger: logger.child({ component: 'storage' }),
    onCommit: ({ records, seconds }: { records: number; seconds: number }) => {
      metrics.commitSeconds.observe(seconds);
      metrics.commitRecords.observe(records);
    },
    onCorrupt: () => metrics.corruptRecords.inc(),
  };
  if (config.databaseUrl) {
    const [{ PostgresStorage }, { DeploymentLock }] = await Promise.all([
      import('./storage/PostgresStorage.js'),
      import('./storage/postgres/DeploymentLock.js'),
    ]);
    // Nodes on one database are all a cluster's (REDIS_URL) or one lone node.
    const deployment = new DeploymentLock(
      config.databaseUrl,
      config.redisUrl ? 'cluster' : 'single',
      common.logger,
    );
    await deployment.take();
    return new PostgresStorage({
      ...common,
      deployment,
      connectionString: config.databaseUrl,
      onQuery: (op, seconds) => metrics.storageQuerySeconds.observe({ op }, seconds),
      onLockContended: () => metrics.lockContended.inc(),
    });
  }
  const file = path.join(config.dataDir, 'drawbridge.sqlite');
  try {
    return new SqliteStorage({
      ...common,
      file,
      synchronous: config.sqliteSynchronous,
      exclusive: true,
    });
  } catch (error) {
    if (error instanceof DataFileInUseError) throw error;
    throw new StorageStartError(file, error);
  }
}

/**
 * The SQLite file cannot be used (the directory is not writable, the file is not a Drawbridge
 * database or is newer than this version): what the operator fixes, in one line.
 */
export class StorageStartError extends Error {
  override readonly name = 'StorageStartError';

  constructor(file: string, cause: unknown) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    super(`cannot use ${file}: ${String(message)}${typeof code === 'string' ? ` (${code})` : ''}`, {
      cause,
    });
  }
}

/**
 * With REDIS_URL: the bus between nodes and Socket.IO's sharded Redis adapter (Redis 7 sharded
 * pub/sub, dynamic subscriptions: a node hears only the rooms it has sockets in). The adapter
 * carries cross-node socket operations; board traffic goes through the bus, because every node
 * must apply it to its own copy of the board before relaying it to its members.
 */
export async function createCluster(
  config: ServerConfig,
  logger: Logger,
  metrics: Metrics,
): Promise<ClusterOptions | null> {
  if (!config.redisUrl) return null;
  const [{ RedisBus }, { createRedisAdapter }] = await Promise.all([
    import('./cluster/RedisBus.js'),
    import('./cluster/redisAdapter.js'),
  ]);
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
    onNodeIdLost: (lost) => metrics.nodeIdConflict.set(lost ? 1 : 0),
    ...(config.testDropBus.length > 0 ? { dropInbound: testDrops(config.testDropBus) } : {}),
  });
  // A NODE_ID set by hand may be set twice (one environment for several replicas); a random one
  // is this process's alone.
  if (config.nodeId) {
    await bus.claimNodeId().catch(async (error: unknown) => {
      await bus.close();
      throw error;
    });
  }
  if (config.testDropBus.length > 0) {
    logger.warn({ types: config.testDropBus }, 'test hook: dropping inbound bus messages');
  }
  const adapter = createRedisAdapter(url, logger);
  // Links minted on one node must open on every other, and no node may leave open what the
  // others lock.
  const sharedSettings = {
    AUTH_SECRET: config.authSecret,
    ADMIN_TOKEN: config.adminToken,
    PUBLIC_URL: config.publicUrl,
  };
  return { bus, adapter, sharedSettings };
}
