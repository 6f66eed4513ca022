/**
 * The process entry point: the only module that reads the environment, listens and handles
 * signals. Everything else is built by `createServer`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TokenService } from './auth/TokenService.js';
import { NodeIdInUseError } from './cluster/NodeIdClaim.js';
import { ConfigError, loadConfig } from './config.js';
import { createServer } from './createServer.js';
import { kernelBacklogCap } from './http/listenBacklog.js';
import { createLogger } from './logger.js';
import { Metrics } from './metrics.js';
import { createCluster, createStorage, StorageStartError } from './services.js';
import { DatabaseInUseError } from './storage/postgres/DatabaseInUseError.js';
import { DataFileInUseError } from './storage/sqlite/DataFileLock.js';
import { exitAnyway } from './workers/exitAnyway.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`drawbridge: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  const here = path.dirname(fileURLToPath(import.meta.url));
  const staticDir = config.staticDir ?? path.resolve(here, '../../web/dist');
  const metrics = new Metrics({ gcDurations: config.metricsGcDurations });
  const storage = await createStorage(config, logger, metrics).catch(
    refuseStart(DataFileInUseError, StorageStartError, DatabaseInUseError),
  );
  const cluster = await createCluster(config, logger, metrics).catch(refuseStart(NodeIdInUseError));
  const server = createServer({
    storage,
    logger,
    metrics,
    limits: config.limits,
    allowedOrigins: config.allowedOrigins,
    staticDir,
    idleUnloadMs: config.idleUnloadMs,
    ...(config.maxLoadedBoardBytes !== undefined
      ? { maxLoadedBoardBytes: config.maxLoadedBoardBytes }
      : {}),
    compactEvery: config.compactEvery,
    ...(config.compactQuietMs !== undefined ? { compactQuietMs: config.compactQuietMs } : {}),
    tokens: config.authSecret ? new TokenService(config.authSecret) : null,
    adminToken: config.adminToken,
    embedOrigins: config.embedOrigins,
    publicUrl: config.publicUrl,
    cluster,
    gapCheckMs: config.gapCheckMs,
    revocationSweepMs: config.revocationSweepMs,
    images: config.images,
    versions: config.versions,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: flushing boards');
    // A storage that does not answer (a hung PostgreSQL) would hold the flush past the
    // orchestrator's grace period. Nothing acked is at risk: an edit is acked once stored, and
    // its client resends what was not when it reconnects.
    setTimeout(() => {
      logger.error(
        { signal, timeoutMs: config.shutdownTimeoutMs },
        'shutdown timed out: storage did not answer; edits not stored yet were never acked, and their clients resend them on reconnecting',
      );
      void exitAnyway(1);
    }, config.shutdownTimeoutMs);
    try {
      await server.close();
      logger.info({}, 'stopped cleanly');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection');
  });

  if (!config.authSecret) {
    logger.warn(
      {},
      'AUTH_SECRET is not set: boards are open, anyone with a board link can edit it',
    );
  }
  if (config.allowedOrigins.length === 0) {
    logger.info({}, 'ALLOWED_ORIGINS is empty: only same-origin browsers may connect');
  }
  const cap = kernelBacklogCap();
  if (cap !== null && cap < config.listenBacklog) {
    logger.warn(
      { listenBacklog: config.listenBacklog, somaxconn: cap },
      `the kernel caps LISTEN_BACKLOG at net.core.somaxconn (${cap}): a reconnect storm may wait on dropped handshakes; raise it with sysctl`,
    );
  }
  const address = await server.listen(config.port, config.host, config.listenBacklog);
  logger.info(
    {
      port: address.port,
      host: address.address,
      storage: config.databaseUrl ? 'postgresql' : 'sqlite',
      ...(config.databaseUrl ? {} : { dataDir: config.dataDir }),
      ...(server.cluster ? { node: server.cluster.nodeId } : {}),
    },
    `Drawbridge listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${address.port}`,
  );
}

/** A start refused for a reason the operator fixes: said in one line, exit code 2. */
function refuseStart(...kinds: (abstract new (...args: never[]) => Error)[]) {
  return (error: unknown): never => {
    if (!kinds.some((kind) => error instanceof kind)) throw error;
    console.error(`drawbridge: ${(error as Error).message}`);
    return process.exit(2);
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
