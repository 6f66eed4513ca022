import pg from 'pg';
import type { BatchBoundary } from '../flow/batchBoundary.js';
import { type Logger, silentLogger } from '../logger.js';
import type { BoardCatalog, LinkStore } from './Catalog.js';
import { type CommitInfo, GroupCommitQueue, type StorageWaiting } from './GroupCommitQueue.js';
import type { AppendStats } from './postgres/appendBatch.js';
import * as catalog from './postgres/catalog.js';
import { probePeers, storageError } from './postgres/connection.js';
import { PostgresAssets } from './postgres/PostgresAssets.js';
import { PostgresVersions } from './postgres/PostgresVersions.js';
import { PostgresWorker, type PostgresWorkerRole } from './postgres/PostgresWorker.js';
import { readHeads } from './postgres/readBoard.js';
import { migrate } from './postgres/schema.js';
import { ThreadedAssets } from './postgres/ThreadedAssets.js';
import type { CorruptRecord } from './SqliteStorage.js';
import type { CompactionResult, CompactOptions, Storage, StoredBoard } from './Storage.js';

export { PostgresErrorCode, PostgresStorageError } from './postgres/connection.js';

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const DEFAULT_QUERY_TIMEOUT_MS = 30_000;
/** Connections of the reader worker: cold loads after a restart come many at once. */
const READER_POOL_SIZE = 4;

/** What `onQuery` times: one report per storage call that reached PostgreSQL. */
export type PostgresOp =
  | 'migrate'
  | 'append'
  | 'read'
  | 'heads'
  | 'compact'
  | 'ping'
  | 'links'
  | 'boards'
  | 'assets'
  | 'versions';

export interface PostgresStorageOptions {
  /** `postgresql://user:password@host:port/database` */
  connectionString: string;
  logger?: Logger;
  /** Called after every group commit of appends (metrics). Compactions are not reported. */
  onCommit?: (info: CommitInfo) => void;
  /** Called for every stored record skipped because it failed its checksum. */
  onCorrupt?: (record: CorruptRecord) => void;
  /** Latency of each call that reached PostgreSQL, failed ones included (metrics). */
  onQuery?: (op: PostgresOp, seconds: number) => void;
  /** A compaction found the board's advisory lock held by another writer (metrics). */
  onLockContended?: (boardId: string) => void;
  /** Connections in the event loop's pool (default 10): catalog calls, catch-up reads. */
  poolSize?: number;
  /** How long a call waits for a connection before it fails (default 5000 ms). */
  connectTimeoutMs?: number;
  /**
   * How long one query may go unanswered (default 30 000 ms): a server that hangs (paused, a
   * network that drops packets) must fail appends, not stall the queue forever. The connection
   * is then dropped. A COMMIT that timed out may still have committed: its appends are refused
   * anyway, and a client that resends them adds duplicates that Yjs ignores.
   */
  queryTimeoutMs?: number;
  /**
   * The deployment's lock on the database (`DeploymentLock`), taken by the caller: checked by
   * `ping` (readiness), released by `close`.
   */
  deployment?: { assertHeld(): void; release(): Promise<void> };
}

/**
 * Storage in PostgreSQL, shared by every node of a cluster, with the boards' images (`assets`)
 * and versions (`versions`) in the same database. Appends go through the shared group
 * commit queue, one commit in flight per instance, committed by a writer thread with its own
 * connection; seqs are gapless per board in commit order across all nodes (see `appendBatch`).
 * Compaction and versions take a per-board advisory lock and run entirely in another worker
 * thread, and cold loads are read in a third (see `PostgresWorker`): large boards' rows are
 * parsed there. The schema is migrated on first use, under
 * an advisory lock, so nodes may start together; a node started while PostgreSQL is down
 * migrates once it answers. Errors are `PostgresStorageError`s saying whether to retry.
 */
export class PostgresStorage implements Storage {
  readonly shared = true;
  readonly links: LinkStore;
  readonly boards: BoardCatalog;
  readonly assets: ThreadedAssets;
  readonly versions: PostgresVersions;
  readonly #pool: pg.Pool;
  readonly #queue: GroupCommitQueue;
  /** Commits, compactions and versions, and cold loads: off the event loop (`PostgresWorker`). */
  readonly #writer: PostgresWorker;
  readonly #compactor: PostgresWorker;
  readonly #reader: PostgresWorker;
  readonly #logger: Logger;
  readonly #options: PostgresStorageOptions;
  readonly #appendStats: AppendStats = { fast: 0, locked: 0, conflictRetries: 0 };
  /** Calls other than appends still running: `close` waits for them. */
  readonly #running = new Set<Promise<unknown>>();
  #migrated: Promise<void> | undefined;
  #closed = false;

  /** Opens the storage and migrates the schema now, so a bad URL or schema fails here. */
  static async open(options: PostgresStorageOptions): Promise<PostgresStorage> {
    const storage = new PostgresStorage(options);
    // Every node cold-loads boards and stores edits: the first joiner should not wait for a
    // thread to start.
    storage.#reader.start();
    storage.#writer.start();
    try {
      await storage.#ready();
    } catch (error) {
      await storage.close();
      throw error;
    }
    return storage;
  }

  constructor(options: PostgresStorageOptions) {
    this.#options = options;
    const logger = (options.logger ?? silentLogger).child({ component: 'postgres-storage' });
    this.#logger = logger;
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      query_timeout: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
      keepAlive: true,
      application_name: 'drawbridge',
    });
    probePeers(this.#pool);
    // An idle connection that PostgreSQL closes (restart, failover) is reported here; unheard,
    // the 'error' event would crash the process. The pool drops it and opens a new one later.
    this.#pool.on('error', (error) =>
      logger.warn({ err: error }, 'idle PostgreSQL connection lost'),
    );
    const worker = (role: PostgresWorkerRole, poolSize: number) =>
      new PostgresWorker(
        {
          role,
          connectionString: options.connectionString,
          connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
          queryTimeoutMs: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
          poolSize,
        },
        (error) => logger.error({ err: error, role }, 'PostgreSQL worker died'),
      );
    this.#writer = worker('writer', 1);
    this.#compactor = worker('compactor', 1);
    this.#reader = worker('reader', READER_POOL_SIZE);
    this.#queue = new GroupCommitQueue({
      commit: (batch) =>
        this.#timed('append', 'committing appends', async () => {
          await this.#ready();
          const { seqs, stats } = await this.#writer.append(batch);
          this.#appendStats.fast += stats.fast;
          this.#appendStats.locked += stats.locked;
          this.#appendStats.conflictRetries += stats.conflictRetries;
          return seqs;
        }),
      ...(options.onCommit ? { onCommit: options.onCommit } : {}),
    });
    const links = this.#catalogCall('links');
    this.links = {
      record: (link) => links('recording a link', (pool) => catalog.recordLink(pool, link)),
      list: (scope) => links('listing links', (pool) => catalog.listLinks(pool, scope)),
      revoke: (scope, id, at) =>
        links('revoking a link', (pool) => catalog.revokeLink(pool, scope, id, at)),
      revokeAll: (scope, at) =>
        links('revoking links', (pool) => catalog.revokeAll(pool, scope, at)),
      state: (scope, id) => links('reading a link', (pool) => catalog.linkState(pool, scope, id)),
      revokedSince: (since) =>
        links('reading revocations', (pool) => catalog.revokedSince(pool, since)),
    };
    const boards = this.#catalogCall('boards');
    this.boards = {
      list: () => boards('listing boards', (pool) => catalog.listBoards(pool)),
      delete: (id, at) =>
        boards(`deleting board ${id}`, (pool) => catalog.deleteBoard(pool, id, at)),
      setName: (id, name) =>
        boards(`naming board ${id}`, (pool) => catalog.setBoardName(pool, id, name)),
    };
    const run = (op: PostgresOp) => {
      const call = this.#catalogCall(op);
      return <T>(doing: string, work: () => Promise<T>): Promise<T> => call(doing, work);
    };
    const damagedAsset = (boardId: string, assetId: string) =>
      logger.warn({ boardId, assetId }, 'stored asset does not match its hash');
    const assets = run('assets');
    this.assets = new ThreadedAssets(
      new PostgresAssets(this.#pool, assets, damagedAsset),
      this.#reader,
      assets,
      damagedAsset,
    );
    this.versions = new PostgresVersions({
      pool: this.#pool,
      run: run('versions'),
      take: async (boardId, takeOptions) => {
        const job = await this.#compactor.takeVersion(boardId, takeOptions);
        for (const record of job.corrupt) this.#reportCorrupt(record);
        return job.result;
      },
      flush: () => this.#queue.flush(),
      read: (boardId, versionId) => this.#reader.readVersion(boardId, versionId),
    });
  }

  /** A catalog call: sees the appends queued before it, timed, tracked by `close`. */
  #catalogCall(op: PostgresOp) {
    return async <T>(doing: string, work: (pool: pg.Pool) => Promise<T>): Promise<T> => {
      this.#assertOpen();
      await this.#queue.flush();
      return this.#track(
        this.#timed(op, doing, async () => {
          await this.#ready();
          return work(this.#pool);
        }),
      );
    };
  }

  /** How commits went so far (diagnostics, tests, the round-trip figures). */
  get appendStats(): Readonly<AppendStats> {
    return { ...this.#appendStats };
  }

  append(boardId: string, update: Uint8Array): Promise<number> {
    return this.#queue.enqueue(boardId, update);
  }

  commitBoundary(boundary: BatchBoundary): void {
    this.#queue.useBoundary(boundary);
  }

  waiting(): StorageWaiting {
    return this.#queue.waiting();
  }

  load(boardId: string): Promise<StoredBoard> {
    return this.readSince(boardId, 0);
  }

  async readSince(boardId: string, afterSeq: number): Promise<StoredBoard> {
    this.#assertOpen();
    // Appends already queued are part of what the caller expects to read.
    await this.#queue.flush();
    return this.#track(
      this.#timed('read', `reading board ${boardId}`, async () => {
        await this.#ready();
        // Parsed in the reader: a whole board (a cold load), and also what a node missed (a
        // gap, a catch-up), which after a compaction starts with the board's whole snapshot
        // (parsing 2.35 MB of bytea from hex here held the event loop 18-62 ms).
        const read = await this.#reader.read(boardId, afterSeq);
        for (const record of read.corrupt) this.#reportCorrupt(record);
        this.#writer.learn([[boardId, read.head]]);
        return read.board;
      }),
    );
  }

  async headSeqs(boardIds: readonly string[]): Promise<Map<string, number>> {
    this.#assertOpen();
    return this.#track(
      this.#timed('heads', 'reading board heads', async () => {
        await this.#ready();
        const heads = await readHeads(this.#pool, boardIds);
        this.#writer.learn([...heads]);
        return heads;
      }),
    );
  }

  async compact(boardId: string, options: CompactOptions = {}): Promise<CompactionResult> {
    this.#assertOpen();
    return this.#track(
      this.#timed('compact', `compacting board ${boardId}`, async () => {
        await this.#ready();
        const job = await this.#compactor.compact(boardId, options.minRecords ?? 2);
        for (const record of job.corrupt) this.#reportCorrupt(record);
        if (job.contended) this.#hook(() => this.#options.onLockContended?.(boardId));
        return job.result;
      }),
    );
  }

  async flush(): Promise<void> {
    this.#assertOpen();
    await this.#queue.flush();
  }

  async ping(): Promise<void> {
    this.#assertOpen();
    await this.#track(
      this.#timed('ping', 'pinging', async () => {
        this.#options.deployment?.assertHeld();
        await this.#ready();
        await this.#pool.query('SELECT 1');
      }),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.close();
    await Promise.allSettled([...this.#running]);
    await Promise.allSettled([this.#writer.close(), this.#compactor.close(), this.#reader.close()]);
    await this.#pool.end();
    await this.#options.deployment?.release();
  }

  /**
   * Migrates once per instance. A failure is not remembered: PostgreSQL may be down at start,
   * and the next call tries again.
   */
  #ready(): Promise<void> {
    this.#migrated ??= this.#timed('migrate', 'migrating the schema', async () => {
      const version = await migrate(this.#pool);
      this.#logger.info({ version }, 'PostgreSQL schema ready');
    }).catch((error: unknown) => {
      this.#migrated = undefined;
      throw error;
    });
    return this.#migrated;
  }

  /** Runs `work`, reports its latency, and turns its failure into a `PostgresStorageError`. */
  async #timed<T>(op: PostgresOp, doing: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } catch (error) {
      throw storageError(doing, error);
    } finally {
      const seconds = (performance.now() - started) / 1000;
      this.#hook(() => this.#options.onQuery?.(op, seconds));
    }
  }

  #track<T>(call: Promise<T>): Promise<T> {
    this.#running.add(call);
    const done = () => this.#running.delete(call);
    call.then(done, done);
    return call;
  }

  readonly #reportCorrupt = ({ kind, boardId, seq, reason }: CorruptRecord) => {
    const record: CorruptRecord = { kind, boardId, seq, reason };
    this.#logger.warn(record, 'skipping corrupt record');
    this.#hook(() => this.#options.onCorrupt?.(record));
  };

  /** A throwing metrics hook must not fail the storage call it reports on. */
  #hook(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.#logger.warn({ err: error }, 'storage hook threw');
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('storage is closed');
  }
}
