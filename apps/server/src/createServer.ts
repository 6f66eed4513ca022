import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBoardName } from '@drawbridge/board';
import {
  boardRoom,
  type ClientToServerEvents,
  type Limits,
  parser,
  type ServerToClientEvents,
} from '@drawbridge/protocol';
import { Server, type ServerOptions } from 'socket.io';
import { createAdmin } from './admin/createAdmin.js';
import { BoardAccess } from './auth/BoardAccess.js';
import type { TokenService } from './auth/TokenService.js';
import { createBoardData } from './boardData.js';
import { type Clock, systemClock } from './clock.js';
import type { ClusterBus } from './cluster/Bus.js';
import { ClusterNode } from './cluster/ClusterNode.js';
import type { SharedSettings } from './cluster/ConfigAgreement.js';
import type { InterServerEvents } from './cluster/interServer.js';
import {
  ConfigError,
  checkLimits,
  DEFAULT_COMPACT_EVERY,
  DEFAULT_COMPACT_QUIET_MS,
  DEFAULT_GAP_CHECK_MS,
  DEFAULT_IDLE_UNLOAD_MS,
  DEFAULT_IMAGE_OPTIONS,
  DEFAULT_VERSION_OPTIONS,
  type ImageOptions,
  type VersionOptions,
} from './config.js';
import { InboundScheduler } from './flow/InboundScheduler.js';
import { TurnBudget } from './flow/TurnBudget.js';
import { connectionHandler } from './handlers/connections.js';
import { holdConnectAnswer } from './handlers/connectJoin.js';
import type { Authorize, DrawbridgeServer, HandlerDeps, SocketData } from './handlers/context.js';
import { StorageErrorLog } from './handlers/StorageErrorLog.js';
import { createHttpApp, createHttpListener } from './http/app.js';
import { tuneEngineConnections } from './http/engineConnections.js';
import { LocalBroadcast } from './http/LocalBroadcast.js';
import { DEFAULT_LISTEN_BACKLOG } from './http/listenBacklog.js';
import { createOriginCheck } from './http/origin.js';
import { corkUpgrades } from './http/upgradeCork.js';
import { type Logger, silentLogger } from './logger.js';
import { Metrics } from './metrics.js';
import { PreviewRenderer } from './previews/PreviewRenderer.js';
import { previewImages } from './previews/previewImages.js';
import { createReadiness } from './readiness.js';
import { BoardMemory, defaultLoadedBoardBytes } from './rooms/BoardMemory.js';
import { BoardLoader } from './rooms/loading/BoardLoader.js';
import type { RelaySink } from './rooms/Outbox.js';
import { RoomManager } from './rooms/RoomManager.js';
import type { BoardDataStore } from './storage/BoardDataStore.js';
import type { Storage } from './storage/Storage.js';
import type { TakeResult } from './storage/VersionStore.js';
import { VersionFiles } from './versions/VersionFiles.js';

export interface CreateServerOptions {
  storage: Storage;
  limits: Limits;
  logger?: Logger;
  clock?: Clock;
  allowedOrigins?: readonly string[];
  staticDir?: string | null;
  idleUnloadMs?: number;
  /**
   * Budget of the loaded boards' stored bytes: past it, boards nobody is on are unloaded, and
   * loads and updates that add content are refused (`BoardMemory`). Default: the heap's limit
   * over `HEAP_PER_STORED_BYTE`, and at least `limits.maxBoardBytes`.
   */
  maxLoadedBoardBytes?: number;
  compactEvery?: number;
  /** How long a due compaction waits for a pause in the board's edits (see `BoardLog`). */
  compactQuietMs?: number;
  /** What a joining socket's token grants; default: from `tokens`. */
  authorize?: Authorize;
  /** Pass one to also record storage metrics on it; a fresh registry otherwise. */
  metrics?: Metrics;
  /** Capability tokens; without, boards are open (everyone with the link edits). */
  tokens?: TokenService | null;
  /** Bearer token of the admin API (links, boards); the API is off without one. */
  adminToken?: string | null;
  /** Data kept per board beside its document (assets, history): deleted with the board. */
  boardData?: readonly BoardDataStore[];
  /** Origins that may frame `/embed/...` pages (and open sockets). */
  embedOrigins?: readonly string[];
  /** Base URL for links, Open Graph tags and oEmbed; default: from each request. */
  publicUrl?: string | null;
  /** Cluster mode: needs storage shared by every node (`storage.shared`). */
  cluster?: ClusterOptions | null;
  /**
   * With shared storage: how often loaded boards are checked for records they missed, and (with
   * tokens, unless `revocationSweepMs` is given) recent revocations are re-read in case their
   * push was missed.
   */
  gapCheckMs?: number;
  /** In a cluster with tokens: how often recent revocations are re-read (default `gapCheckMs`). */
  revocationSweepMs?: number;
  /** A board's thumbnail is rendered at most once per this interval (default 2000 ms). */
  previewIntervalMs?: number;
  /** Image limits and how long unused images are kept. */
  images?: ImageOptions;
  /** How often versions are taken and how long they are kept. */
  versions?: VersionOptions;
  /** Told about every version this node tried to take (tests, metrics). */
  onVersion?: (boardId: string, result: TakeResult) => void;
}

export interface ClusterOptions {
  /** The bus between nodes (e.g. `RedisBus`). Closed by `close`. */
  bus: ClusterBus;
  /** Socket.IO's adapter for cross-node socket operations (`createShardedAdapter(...)`). */
  adapter?: ServerOptions['adapter'];
  heartbeatMs?: number;
  deadAfterMs?: number;
  /** The settings every node must share: compared with the other nodes' (see `ConfigAgreement`). */
  sharedSettings?: SharedSettings;
}

export interface DrawbridgeHttpServer {
  readonly httpServer: HttpServer;
  readonly io: DrawbridgeServer;
  readonly rooms: RoomManager;
  readonly metrics: Metrics;
  /** This node in the cluster, or null on a single node. */
  readonly cluster: ClusterNode | null;
  /** `backlog`: connections the kernel may queue before they are accepted (default `DEFAULT_LISTEN_BACKLOG`). */
  listen(port: number, host: string, backlog?: number): Promise<AddressInfo>;
  /** Disconnects every client, flushes and unloads every board, closes storage. Idempotent. */
  close(): Promise<void>;
}

/** Builds a Drawbridge server. Nothing listens until `listen`; nothing reads the environment. */
export function createServer(options: CreateServerOptions): DrawbridgeHttpServer {
  const limits = checkLimits({ ...options.limits });
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? new Metrics();
  let listening = false;
  let closing: Promise<void> | null = null;
  if (options.cluster && !options.storage.shared) {
    throw new ConfigError(
      'a cluster needs storage shared by every node (PostgreSQL): two nodes on two SQLite files would silently diverge',
    );
  }
  // Inbound messages take turns in slices; what a slice did to a board goes out together (one
  // relay frame to its members here, one message to the other nodes).
  const inbound = new InboundScheduler();
  const batchBoundary = (flush: () => void) => inbound.defer(flush);
  // And what it appended is committed as the slice ends, not a loop turn later.
  options.storage.commitBoundary?.(batchBoundary);
  const cluster = options.cluster
    ? new ClusterNode({
        bus: options.cluster.bus,
        batchBoundary,
        // Other nodes' readers get a burst at the pace this node's readers get it.
        busyHoldMs: BUSY_RELAY_HOLD_MS,
        clock,
        logger: logger.child({ component: 'cluster' }),
        metrics,
        ...(options.cluster.heartbeatMs ? { heartbeatMs: options.cluster.heartbeatMs } : {}),
        ...(options.cluster.deadAfterMs ? { deadAfterMs: options.cluster.deadAfterMs } : {}),
        ...(options.cluster.sharedSettings
          ? { sharedSettings: options.cluster.sharedSettings }
          : {}),
      })
    : null;

  // Relays go to this node's sockets only: every node relays from its own copy of the board.
  const relay: RelaySink = {
    doc: (boardId, update, except) => emitLocal('doc:update', boardId, update, except),
    awareness: (boardId, update, except) => emitLocal('awareness:update', boardId, update, except),
  };
  const emitLocal = (
    event: 'doc:update' | 'awareness:update',
    boardId: string,
    update: Uint8Array,
    except: string | null,
  ) => {
    const fanout = broadcast.emit(boardRoom(boardId), except, event, { boardId, update });
    metrics.updatesOut.inc({ event }, fanout);
    metrics.bytesOut.inc(update.byteLength * fanout);
  };

  const loader = new BoardLoader(logger);
  const images = options.images ?? DEFAULT_IMAGE_OPTIONS;
  const boardData = createBoardData({
    storage: options.storage,
    rooms: () => rooms,
    clock,
    logger,
    images,
    versions: options.versions ?? DEFAULT_VERSION_OPTIONS,
    ...(options.onVersion ? { onVersion: options.onVersion } : {}),
  });
  const memory = new BoardMemory(
    options.maxLoadedBoardBytes ?? Math.max(defaultLoadedBoardBytes(), limits.maxBoardBytes),
    logger,
    clock,
  );
  metrics.trackBoardMemory(memory);
  const rooms = new RoomManager({
    memory,
    batchBoundary,
    busyRelayHoldMs: BUSY_RELAY_HOLD_MS,
    activity: boardData.activity,
    storage: options.storage,
    loader,
    logger,
    limits,
    clock,
    relay,
    cluster,
    compactEvery: options.compactEvery ?? DEFAULT_COMPACT_EVERY,
    compactQuietMs: options.compactQuietMs ?? DEFAULT_COMPACT_QUIET_MS,
    idleUnloadMs: options.idleUnloadMs ?? DEFAULT_IDLE_UNLOAD_MS,
    ...(options.gapCheckMs ? { gapCheckMs: options.gapCheckMs } : {}),
    onLoaded: (count) => metrics.boardsLoaded.set(count),
    onUnload: (room) => keepName(room.boardId, room.log.head > 0 ? readBoardName(room.doc) : null),
    onRepaired: (_boardId, records) => {
      metrics.gapsRepaired.inc();
      metrics.recordsRepaired.inc(records);
    },
    onDamageRepair: (step) => metrics.damageRepairs.inc({ step }),
  });
  metrics.trackUnstored(() => rooms.unstored());
  metrics.trackStorageWaiting(options.storage);

  // The name of a board as it unloads, for the operators' list of boards not loaded anywhere.
  const namesPending = new Set<Promise<void>>();
  const keepName = (boardId: string, name: string | null) => {
    if (name === null) return;
    const write = options.storage.boards.setName(boardId, name).catch((error: unknown) => {
      logger.warn({ boardId, err: error }, 'could not store the board name');
    });
    namesPending.add(write);
    void write.finally(() => namesPending.delete(write));
  };

  const previews = new PreviewRenderer({
    storage: options.storage,
    logger,
    images: previewImages(options.storage.assets),
    ...(options.previewIntervalMs !== undefined
      ? { minIntervalMs: options.previewIntervalMs }
      : {}),
  });
  const versionFiles = new VersionFiles({ logger });
  const readiness = createReadiness({
    probes: {
      storage: () => options.storage.ping(),
      ...(cluster ? { bus: () => cluster.bus.ping() } : {}),
    },
    server: () => (closing ? 'shutting down' : listening ? 'ok' : 'starting'),
  });

  const tokens = options.tokens ?? null;
  const access = new BoardAccess(tokens, options.storage.links);
  // Built once the Socket.IO server exists (the admin API acts on sockets), but registered now:
  // Socket.IO must find it to pass on every request that is not its own.
  let handleHttp: ReturnType<typeof createHttpListener> | null = null;
  const httpServer = createHttpServer((req, res) => handleHttp?.(req, res));
  corkUpgrades(httpServer);
  // Host pages that embed boards may also connect.
  const originAllowed = createOriginCheck([
    ...(options.allowedOrigins ?? []),
    ...(options.embedOrigins ?? []),
    // Behind a proxy that rewrites Host, the public origin is still this server's own.
    ...(options.publicUrl ? [new URL(options.publicUrl).origin] : []),
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
    // Long-polling carries binary as base64 (4 bytes per 3), so the cap is sized for that.
    maxHttpBufferSize: Math.ceil((limits.maxMessageBytes * 4) / 3) + 64 * 1024,
    ...(options.cluster?.adapter ? { adapter: options.cluster.adapter } : {}),
    allowRequest: (req, callback) => {
      const ok = originAllowed(req);
      if (!ok) logger.warn({ origin: req.headers.origin }, 'handshake refused: origin not allowed');
      callback(ok ? null : 'origin not allowed', ok);
    },
  });

  const broadcast = new LocalBroadcast(io);

  const deps: HandlerDeps = {
    io,
    rooms,
    limits,
    logger,
    metrics,
    authorize: options.authorize ?? (({ boardId, token }) => access.verify(boardId, token)),
    confirm: (grant) => access.confirm(grant),
    joinAnswers: new TurnBudget(JOIN_ANSWER_BYTES_PER_TURN),
    isShuttingDown: () => closing !== null,
    storageErrors: new StorageErrorLog(logger, clock),
  };

  const { boardAdmin, linkAdmin, sweep } = createAdmin({
    io,
    rooms,
    metrics,
    logger,
    storage: options.storage,
    tokens,
    clustered: cluster !== null,
    sweepMs: options.revocationSweepMs ?? options.gapCheckMs ?? DEFAULT_GAP_CHECK_MS,
    // Images and versions are the storage's own; a caller may add more stores.
    dataStores: [options.storage.assets, options.storage.versions, ...(options.boardData ?? [])],
    clock,
  });
  handleHttp = createHttpListener(
    createHttpApp({
      metrics,
      rooms,
      loader,
      logger,
      limits,
      access,
      linkAdmin,
      boardAdmin,
      adminToken: options.adminToken ?? null,
      embedOrigins: options.embedOrigins ?? [],
      publicUrl: options.publicUrl ?? null,
      staticDir: options.staticDir ?? null,
      readiness,
      previews,
      assets: options.storage.assets,
      versions: options.storage.versions,
      keeper: boardData.keeper,
      versionFiles,
      images,
      clock,
    }),
    logger,
  );

  tuneEngineConnections(io.engine);
  // A join made on connect answers in the CONNECT answer's write (connectJoin.ts).
  io.use(holdConnectAnswer);
  io.on('connection', connectionHandler(deps, inbound, clock));

  return {
    httpServer,
    io,
    rooms,
    metrics,
    cluster,
    listen(port, host, backlog = DEFAULT_LISTEN_BACKLOG) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen({ port, host, backlog }, () => {
          httpServer.off('error', reject);
          listening = true;
          cluster?.start();
          loader.start();
          sweep?.start();
          resolve(httpServer.address() as AddressInfo);
        });
      });
    },
    close() {
      closing ??= (async () => {
        // Refuse new work (SHUTTING_DOWN, which clients retry after reconnecting), store what
        // was accepted and let its acks go out, then disconnect and unload.
        sweep?.stop();
        await Promise.allSettled(rooms.loaded().map((room) => room.flush()));
        await new Promise<void>((resolve) => {
          io.close(() => resolve());
        });
        await rooms.close();
        await Promise.allSettled([...namesPending]);
        await boardData.close();
        // After the boards' last notices: the other nodes drop our members' presence at once.
        await cluster?.close();
        await loader.close();
        await previews.close();
        await versionFiles.close();
        await options.storage.close();
      })();
      return closing;
    },
  };
}

const JOIN_ANSWER_BYTES_PER_TURN = 4 * 1024 * 1024;

/**
 * A busy board's relays go out at most this often (a 60 Hz frame, as tldraw batches): in the
 * fan-out burst (1 writer, 50 readers, interleaved runs on this host) 0.01-0.02 frames per
 * delivered edit instead of 0.04-0.05, and 209-312k deliveries/s against 222-286k.
 */
const BUSY_RELAY_HOLD_MS = 16;
