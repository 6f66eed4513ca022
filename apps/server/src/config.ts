/**
 * Server configuration: every knob with its default, and `loadConfig(env)` which reads and
 * checks the environment. Only `main.ts` calls `loadConfig`; tests build options directly.
 */
import path from 'node:path';
import {
  ACK_TIMEOUT_MS,
  DEFAULT_IMAGE_LIMITS,
  DEFAULT_LIMITS,
  type Limits,
} from '@drawbridge/protocol';
import { DEFAULT_LISTEN_BACKLOG } from './http/listenBacklog.js';
import type { RetentionPolicy } from './storage/VersionStore.js';

export interface ImageOptions {
  /** Largest upload of one image (bytes). */
  maxImageBytes: number;
  /** Largest total of one board's images (bytes). */
  maxBoardImageBytes: number;
  /** How long an image nothing refers to is kept before it is deleted. */
  graceMs: number;
}

export interface VersionOptions {
  /** While a board is edited, at most one version per this interval. */
  intervalMs: number;
  retention: RetentionPolicy;
}

const HOUR_MS = 60 * 60 * 1000;

export const DEFAULT_IMAGE_OPTIONS: ImageOptions = {
  maxImageBytes: DEFAULT_IMAGE_LIMITS.maxImageBytes,
  maxBoardImageBytes: DEFAULT_IMAGE_LIMITS.maxBoardImageBytes,
  graceMs: 24 * HOUR_MS,
};

export const DEFAULT_VERSION_OPTIONS: VersionOptions = {
  intervalMs: 10 * 60 * 1000,
  retention: { keepAllMs: 24 * HOUR_MS, keepDailyMs: 30 * 24 * HOUR_MS },
};

export interface ServerConfig {
  port: number;
  host: string;
  /** Connections the kernel may hold for the server before it accepts them (see `listenBacklog.ts`). */
  listenBacklog: number;
  dataDir: string;
  /** Directory with the built web app; served when it exists. */
  staticDir: string | null;
  logLevel: string;
  /** Origins allowed to open a socket besides the server's own; `*` allows any. */
  allowedOrigins: string[];
  limits: Limits;
  /** Idle time (ms) after the last member leaves before a board is flushed and unloaded. */
  idleUnloadMs: number;
  /** How long a SIGTERM's flush may take before the process gives up and exits 1. */
  shutdownTimeoutMs: number;
  /** Budget of the loaded boards' stored bytes (`BoardMemory`); unset: from the heap's limit. */
  maxLoadedBoardBytes: number | undefined;
  /** Appended updates after which a board's log is compacted into a snapshot. */
  compactEvery: number;
  /** Unset: `DEFAULT_COMPACT_QUIET_MS`. */
  compactQuietMs: number | undefined;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Signs capability tokens; unset means open boards (anyone with the link edits). */
  authSecret: string | null;
  /** Bearer token of `POST /api/boards/:id/links`; unset disables the API. */
  adminToken: string | null;
  /** Origins allowed to frame `/embed/...` pages (`*` for any); the server's own always may. */
  embedOrigins: string[];
  /** Public base URL used in links, Open Graph tags and oEmbed; default: from the request. */
  publicUrl: string | null;
  /** PostgreSQL connection string: boards live there instead of the SQLite file. */
  databaseUrl: string | null;
  /** Redis URL: this node joins a cluster (needs `databaseUrl`). */
  redisUrl: string | null;
  /** This node's name in the cluster; default: random per process. */
  nodeId: string | null;
  /** With shared storage: how often loaded boards are checked for records they missed. */
  gapCheckMs: number;
  /**
   * In a cluster: how often recent link revocations are re-read, in case their push was missed.
   * Bounds how long a socket can stay on a board after its link's push was lost.
   */
  revocationSweepMs: number;
  images: ImageOptions;
  versions: VersionOptions;
  /** Also export garbage-collection durations (`processMetrics.ts`: they cost CPU under load). */
  metricsGcDurations: boolean;
  /**
   * Test hook (DRAWBRIDGE_TEST_DROP_BUS): bus message types this node drops on receipt, as if
   * Redis had lost them; `type:N` drops only the first N of a type. Empty outside tests.
   */
  testDropBus: string[];
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_IDLE_UNLOAD_MS = 30_000;
/**
 * Under the 30 s an orchestrator usually grants before SIGKILL (Kubernetes'
 * terminationGracePeriodSeconds), so the node ends itself and says why.
 */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;
export const DEFAULT_COMPACT_EVERY = 500;
/**
 * How long a due compaction waits for a pause in a board's edits (see `BoardLog`). Compaction
 * runs in worker threads with either storage, and one larger compaction in a pause beats several
 * behind an editor's strokes.
 */
export const DEFAULT_COMPACT_QUIET_MS = 1000;

const origins = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);

const int = (
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `${name} must be an integer from ${min} to ${max}; got ${JSON.stringify(raw)}`,
    );
  }
  return value;
};

const flag = (env: NodeJS.ProcessEnv, name: string): boolean => {
  const raw = (env[name] ?? '').toLowerCase();
  if (raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new ConfigError(`${name} must be 1, true, 0 or false; got ${JSON.stringify(env[name])}`);
};

export function checkLimits(limits: Limits): Limits {
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new ConfigError(`limit ${key} must be a positive integer; got ${value}`);
    }
  }
  // A client's whole offline diff must fit in one message, or it could never resync.
  if (limits.maxMessageBytes < limits.maxBoardBytes) {
    throw new ConfigError(
      `MAX_MESSAGE_BYTES (${limits.maxMessageBytes}) must be >= MAX_BOARD_BYTES (${limits.maxBoardBytes})`,
    );
  }
  // A client waits ACK_TIMEOUT_MS for an answer: the server answers before, storage or not.
  if (limits.storageWaitMs >= ACK_TIMEOUT_MS) {
    throw new ConfigError(
      `STORAGE_WAIT_MS (${limits.storageWaitMs}) must be < ${ACK_TIMEOUT_MS}, the clients' ack timeout`,
    );
  }
  return limits;
}

export const DEFAULT_GAP_CHECK_MS = 2000;

export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): ServerConfig {
  const production = env.NODE_ENV === 'production';
  const synchronous = (env.SQLITE_SYNCHRONOUS ?? 'FULL').toUpperCase();
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
    throw new ConfigError('SQLITE_SYNCHRONOUS must be FULL or NORMAL');
  }
  const gapCheckMs = int(env, 'GAP_CHECK_MS', DEFAULT_GAP_CHECK_MS, 100);
  const limits = checkLimits({
    maxMessageBytes: int(env, 'MAX_MESSAGE_BYTES', DEFAULT_LIMITS.maxMessageBytes, 1),
    maxBoardBytes: int(env, 'MAX_BOARD_BYTES', DEFAULT_LIMITS.maxBoardBytes, 1),
    maxAwarenessBytes: int(env, 'MAX_AWARENESS_BYTES', DEFAULT_LIMITS.maxAwarenessBytes, 1),
    maxBoardsPerSocket: int(env, 'MAX_BOARDS_PER_SOCKET', DEFAULT_LIMITS.maxBoardsPerSocket, 1),
    maxMessagesPerSecond: int(
      env,
      'MAX_MESSAGES_PER_SECOND',
      DEFAULT_LIMITS.maxMessagesPerSecond,
      1,
    ),
    maxAwarenessClientsPerSocket: DEFAULT_LIMITS.maxAwarenessClientsPerSocket,
    maxStateVectorBytes: DEFAULT_LIMITS.maxStateVectorBytes,
    maxTokenLength: DEFAULT_LIMITS.maxTokenLength,
    storageWaitMs: int(env, 'STORAGE_WAIT_MS', DEFAULT_LIMITS.storageWaitMs, 100),
  });
  return {
    port: int(env, 'PORT', 3000, 0, 65_535),
    host: env.HOST || (production ? '0.0.0.0' : '127.0.0.1'),
    listenBacklog: int(env, 'LISTEN_BACKLOG', DEFAULT_LISTEN_BACKLOG, 1, 65_535),
    dataDir: path.resolve(cwd, env.DATA_DIR || 'data'),
    staticDir: env.STATIC_DIR ? path.resolve(cwd, env.STATIC_DIR) : null,
    logLevel: env.LOG_LEVEL || 'info',
    allowedOrigins: origins(env.ALLOWED_ORIGINS),
    limits,
    idleUnloadMs: int(env, 'IDLE_UNLOAD_MS', DEFAULT_IDLE_UNLOAD_MS),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', DEFAULT_SHUTDOWN_TIMEOUT_MS, 1),
    maxLoadedBoardBytes: maxLoadedBoardBytes(env, limits),
    compactEvery: int(env, 'COMPACT_EVERY', DEFAULT_COMPACT_EVERY, 1),
    compactQuietMs: env.COMPACT_QUIET_MS ? int(env, 'COMPACT_QUIET_MS', 0, 0) : undefined,
    sqliteSynchronous: synchronous,
    authSecret: secret(env, 'AUTH_SECRET'),
    adminToken: secret(env, 'ADMIN_TOKEN'),
    embedOrigins: origins(env.EMBED_ORIGINS),
    publicUrl: publicUrl(env.PUBLIC_URL),
    ...cluster(env),
    gapCheckMs,
    revocationSweepMs: int(env, 'REVOCATION_SWEEP_MS', gapCheckMs, 100),
    ...boardData(env),
    metricsGcDurations: flag(env, 'METRICS_GC_DURATIONS'),
    testDropBus: (env.DRAWBRIDGE_TEST_DROP_BUS ?? '').split(',').filter(Boolean),
  };
}

function maxLoadedBoardBytes(env: NodeJS.ProcessEnv, limits: Limits): number | undefined {
  if (!env.MAX_LOADED_BOARD_BYTES) return undefined;
  const bytes = int(env, 'MAX_LOADED_BOARD_BYTES', 0, 1);
  if (bytes < limits.maxBoardBytes) {
    throw new ConfigError(
      `MAX_LOADED_BOARD_BYTES (${bytes}) must be >= MAX_BOARD_BYTES (${limits.maxBoardBytes})`,
    );
  }
  return bytes;
}

function boardData(env: NodeJS.ProcessEnv): Pick<ServerConfig, 'images' | 'versions'> {
  const defaults = { images: DEFAULT_IMAGE_OPTIONS, versions: DEFAULT_VERSION_OPTIONS };
  const maxImageBytes = int(env, 'MAX_IMAGE_BYTES', defaults.images.maxImageBytes, 1);
  const maxBoardImageBytes = int(
    env,
    'MAX_BOARD_IMAGE_BYTES',
    defaults.images.maxBoardImageBytes,
    1,
  );
  if (maxBoardImageBytes < maxImageBytes) {
    throw new ConfigError('MAX_BOARD_IMAGE_BYTES must be >= MAX_IMAGE_BYTES');
  }
  const keepAllHours = int(env, 'VERSION_KEEP_ALL_HOURS', 24, 0, 24 * 3650);
  const keepDailyDays = int(env, 'VERSION_KEEP_DAILY_DAYS', 30, 0, 3650);
  return {
    images: {
      maxImageBytes,
      maxBoardImageBytes,
      graceMs: int(env, 'ASSET_GRACE_HOURS', 24, 1, 24 * 3650) * HOUR_MS,
    },
    versions: {
      intervalMs: int(env, 'VERSION_INTERVAL_MS', defaults.versions.intervalMs, 1000),
      retention: { keepAllMs: keepAllHours * HOUR_MS, keepDailyMs: keepDailyDays * 24 * HOUR_MS },
    },
  };
}

function cluster(
  env: NodeJS.ProcessEnv,
): Pick<ServerConfig, 'databaseUrl' | 'redisUrl' | 'nodeId'> {
  const databaseUrl = serviceUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const redisUrl = serviceUrl(env, 'REDIS_URL', ['redis:', 'rediss:']);
  if (redisUrl && !databaseUrl) {
    throw new ConfigError(
      'REDIS_URL is set but DATABASE_URL is not: every node of a cluster must store boards in the ' +
        'same PostgreSQL database (nodes on their own SQLite files would silently diverge). ' +
        'Set DATABASE_URL, or unset REDIS_URL to run a single node.',
    );
  }
  const nodeId = env.NODE_ID || null;
  if (nodeId !== null && !/^[A-Za-z0-9_-]{1,64}$/.test(nodeId)) {
    throw new ConfigError('NODE_ID must be 1-64 letters, digits, _ or -');
  }
  return { databaseUrl, redisUrl, nodeId };
}

function serviceUrl(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (!raw) return null;
  let protocol: string;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    throw new ConfigError(`${name} is not a URL`);
  }
  if (!protocols.includes(protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

function secret(env: NodeJS.ProcessEnv, name: string): string | null {
  const value = env[name];
  if (!value) return null;
  if (value.length < 32) throw new ConfigError(`${name} must be at least 32 characters`);
  return value;
}

function publicUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
    return url.origin + url.pathname.replace(/\/+$/, '');
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an http(s) URL; got ${JSON.stringify(raw)}`);
  }
}
