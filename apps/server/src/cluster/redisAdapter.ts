import { createShardedAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { REDIS_SOCKET_TIMEOUT_MS } from './redisTimeout.js';

/**
 * Socket.IO's sharded Redis adapter (Redis 7 sharded pub/sub, dynamic subscriptions: a node
 * hears only the rooms it has sockets in), on two connections of its own. Loaded only in
 * cluster mode (`services.ts` imports this module on demand); its dependencies are imported
 * here by name, statically, because the bundle hands a dynamically imported CommonJS package
 * over as a default export only.
 */
export function createRedisAdapter(url: string, logger: Logger) {
  const client = () => {
    const redis = new Redis(url, {
      retryStrategy: (n: number) => Math.min(50 * n, 1000),
      // A hung Redis is found and the connection made again, as the bus's are.
      socketTimeout: REDIS_SOCKET_TIMEOUT_MS,
    });
    redis.on('error', (error: Error) =>
      logger.warn({ err: error.message }, 'redis adapter connection error'),
    );
    return redis;
  };
  return createShardedAdapter(client(), client(), { subscriptionMode: 'dynamic' });
}
