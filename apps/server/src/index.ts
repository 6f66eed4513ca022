export { type Clock, systemClock } from './clock.js';
export { ConfigError, checkLimits, loadConfig, type ServerConfig } from './config.js';
export {
  type CreateServerOptions,
  createServer,
  type DrawbridgeHttpServer,
} from './createServer.js';
export type { Authorize, DrawbridgeServer, DrawbridgeSocket } from './handlers/context.js';
export { createLogger, type Logger, silentLogger } from './logger.js';
export { Metrics } from './metrics.js';
export type { BoardDataStore } from './storage/BoardDataStore.js';
export type { BoardCatalog, LinkStore } from './storage/Catalog.js';
export type { Storage, StoredBoard } from './storage/Storage.js';
