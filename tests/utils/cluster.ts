/**
 * A Drawbridge cluster for tests: a private PostgreSQL and Redis, and N real server processes
 * (`apps/server/src/main.ts`) sharing them. Nodes can be killed, stopped and started again.
 */
import { rmSync } from 'node:fs';
import { type PostgresServer, type StartPostgresOptions, startPostgres } from './postgres.js';
import { killAllServers, type SpawnedServer, spawnServer } from './process.js';
import { type RedisServer, startRedis } from './redis.js';
import { tempDir } from './server.js';

export interface ClusterOptions {
  nodes?: number;
  /** Extra environment for every node (limits, GAP_CHECK_MS...). */
  env?: Record<string, string>;
  /** Extra environment per node index. */
  nodeEnv?: (index: number) => Record<string, string>;
  /** Run the built bundle rather than the sources (see `spawnServer`). */
  bundle?: boolean;
  /** How its PostgreSQL is made (on a small disk, say). */
  postgres?: StartPostgresOptions;
}

export interface TestCluster {
  pg: PostgresServer;
  redis: RedisServer;
  /** The running node processes by index (undefined while a node is down). */
  nodes: (SpawnedServer | undefined)[];
  /** URL of node `index` (it must be running). */
  url(index: number): string;
  /** Starts node `index` (again), on a new port unless `port` is given (its old one, say). */
  start(index: number, port?: number): Promise<SpawnedServer>;
  /** Stops every node and server and removes their files. */
  destroy(): Promise<void>;
}

/** Rate limiting is not under test here: bursts of edits must not be refused. */
const BASE_ENV = {
  MAX_MESSAGES_PER_SECOND: '100000',
  GAP_CHECK_MS: '500',
  LOG_LEVEL: 'info',
};

export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const [pg, redis] = await Promise.all([startPostgres(options.postgres), startRedis()]);
  const dataDir = tempDir('drawbridge-cluster-');
  const count = options.nodes ?? 3;
  const nodes: (SpawnedServer | undefined)[] = Array.from({ length: count }, () => undefined);
  const start = async (index: number, port?: number) => {
    const node = await spawnServer({
      dataDir,
      ...(port !== undefined ? { port } : {}),
      ...(options.bundle ? { bundle: true } : {}),
      env: {
        ...BASE_ENV,
        DATABASE_URL: pg.url,
        REDIS_URL: redis.url,
        NODE_ID: `node-${index + 1}`,
        ...options.env,
        ...options.nodeEnv?.(index),
      },
    });
    nodes[index] = node;
    void node.exited.then(() => {
      if (nodes[index] === node) nodes[index] = undefined;
    });
    return node;
  };
  try {
    await Promise.all(nodes.map((_, i) => start(i)));
  } catch (error) {
    await killAllServers();
    await Promise.allSettled([pg.destroy(), redis.destroy()]);
    throw error;
  }
  return {
    pg,
    redis,
    nodes,
    url(index) {
      const node = nodes[index];
      if (!node) throw new Error(`node ${index + 1} is not running`);
      return node.url;
    },
    start,
    async destroy() {
      await killAllServers();
      await Promise.allSettled([pg.destroy(), redis.destroy()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A Prometheus counter or gauge of a node: the sum over its series that carry `labels`. */
export async function nodeMetric(
  url: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const body = await (await fetch(`${url}/metrics`)).text();
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  return body
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .filter((line) => wanted.every((pair) => line.slice(0, line.lastIndexOf(' ')).includes(pair)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
