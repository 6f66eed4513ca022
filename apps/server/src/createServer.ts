import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  boardRoom,
  type ClientToServerEvents,
  type InterServerEvents,
  type Limits,
  parser,
  type ServerToClientEvents,
  type SocketData,
} from '@drawbridge/protocol';
import { Server } from 'socket.io';
import { createAuthorize } from './auth/authorize.js';
import type { TokenService } from './auth/TokenService.js';
import { type Clock, systemClock } from './clock.js';
import { checkLimits, DEFAULT_COMPACT_EVERY, DEFAULT_IDLE_UNLOAD_MS } from './config.js';
import { registerAwarenessHandlers } from './handlers/awarenessHandlers.js';
import { registerBoardHandlers } from './handlers/boardHandlers.js';
import type { Authorize, DrawbridgeServer, HandlerDeps } from './handlers/context.js';
import { installRateLimit } from './handlers/rateLimit.js';
import { registerSyncHandlers } from './handlers/syncHandlers.js';
import { Metrics } from './http/metrics.js';
import { createOriginCheck } from './http/origin.js';
import { createRequestHandler } from './http/routes.js';
import { type Logger, silentLogger } from './logger.js';
import { RoomManager } from './rooms/RoomManager.js';
import type { Storage } from './storage/Storage.js';

export interface CreateServerOptions {
  storage: Storage;
  limits: Limits;
  logger?: Logger;
  clock?: Clock;
  allowedOrigins?: readonly string[];
  staticDir?: string | null;
  idleUnloadMs?: number;
  compactEvery?: number;
  /** Role of a joining socket; default: from `tokens`. */
  authorize?: Authorize;
  /** Pass one to also record storage metrics on it; a fresh registry otherwise. */
  metrics?: Metrics;
  /** Capability tokens; without, boards are open (everyone with the link edits). */
  tokens?: TokenService | null;
  /** Bearer token for `POST /api/boards/:id/links`; the API is off without one. */
  adminToken?: string | null;
  /** Origins that may frame `/embed/...` pages (and open sockets). */
  embedOrigins?: readonly string[];
  /** Base URL for links, Open Graph tags and oEmbed; default: from each request. */
  publicUrl?: string | null;
}

export interface DrawbridgeHttpServer {
  readonly httpServer: HttpServer;
  readonly io: DrawbridgeServer;
  readonly rooms: RoomManager;
  readonly metrics: Metrics;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Disconnects every client, flushes and unloads every board, closes storage. Idempotent. */
  close(): Promise<void>;
}

/** Builds a Drawbridge server. Nothing listens until `listen`; nothing reads the environment. */
export function createServer(options: CreateServerOptions): DrawbridgeHttpServer {
  const limits = checkLimits({ ...options.limits });
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? new Metrics();
  let ready = false;
  let closing: Promise<void> | null = null;

  const rooms = new RoomManager({
    storage: options.storage,
    logger,
    limits,
    compactEvery: options.compactEvery ?? DEFAULT_COMPACT_EVERY,
    idleUnloadMs: options.idleUnloadMs ?? DEFAULT_IDLE_UNLOAD_MS,
    onLoaded: (count) => metrics.boardsLoaded.set(count),
    onAwarenessBroadcast: (boardId, update) =>
      io.to(boardRoom(boardId)).emit('awareness:update', { boardId, update }),
  });

  const tokens = options.tokens ?? null;
  const httpServer = createHttpServer(
    createRequestHandler({
      metrics,
      rooms,
      logger,
      tokens,
      adminToken: options.adminToken ?? null,
      embedOrigins: options.embedOrigins ?? [],
      publicUrl: options.publicUrl ?? null,
      staticDir: options.staticDir ?? null,
      isReady: () => ready,
    }),
  );
  // Host pages that embed boards may also connect.
  const originAllowed = createOriginCheck([
    ...(options.allowedOrigins ?? []),
    ...(options.embedOrigins ?? []),
  ]);
  const io: DrawbridgeServer = new Server<
    ClientToServerEvents,
    ServerToClientEvents,
    InterServerEvents,
    SocketData
  >(httpServer, {
    parser,
    serveClient: false,
    // Engine.IO's cap on one frame: the largest legal message plus room for the envelope.
    maxHttpBufferSize: limits.maxMessageBytes + 64 * 1024,
    allowRequest: (req, callback) => {
      const ok = originAllowed(req);
      if (!ok) logger.warn({ origin: req.headers.origin }, 'handshake refused: origin not allowed');
      callback(ok ? null : 'origin not allowed', ok);
    },
  });

  const deps: HandlerDeps = {
    io,
    rooms,
    limits,
    logger,
    metrics,
    authorize: options.authorize ?? createAuthorize(tokens),
    isShuttingDown: () => closing !== null,
  };

  io.on('connection', (socket) => {
    socket.data.boards = new Map();
    metrics.connections.inc();
    socket.on('disconnect', () => metrics.connections.dec());
    installRateLimit(deps, socket, clock);
    registerBoardHandlers(deps, socket);
    registerSyncHandlers(deps, socket);
    registerAwarenessHandlers(deps, socket);
  });

  return {
    httpServer,
    io,
    rooms,
    metrics,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          ready = true;
          resolve(httpServer.address() as AddressInfo);
        });
      });
    },
    close() {
      closing ??= (async () => {
        ready = false;
        // Refuse new work (SHUTTING_DOWN, which clients retry after reconnecting), store what
        // was accepted and let its acks go out, then disconnect and unload.
        await Promise.allSettled(rooms.loaded().map((room) => room.flush()));
        await new Promise<void>((resolve) => {
          io.close(() => resolve());
        });
        await rooms.close();
        await options.storage.close();
      })();
      return closing;
    },
  };
}
