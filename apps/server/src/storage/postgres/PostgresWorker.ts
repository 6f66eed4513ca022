import { type Packed, unpack } from '../../workers/packing.js';
import { RpcWorker } from '../../workers/RpcWorker.js';
import { movableBatch, type QueuedAppend } from '../GroupCommitQueue.js';
import type { CorruptRecord } from '../SqliteStorage.js';
import type { CompactionResult, StoredBoard } from '../Storage.js';
import type { TakeOptions, TakeResult } from '../VersionStore.js';
import type { AssetPutJob, AssetReadJob, SentAsset } from './AssetBytes.js';
import type { AppendStats } from './appendBatch.js';
import type { ReadVersion } from './readVersion.js';

/**
 * What a PostgreSQL worker does: `writer` commits the group commit queue's batches, one at a
 * time; `compactor` compacts boards and takes their versions, one at a time, at background
 * priority; `reader` reads boards (cold loads, catch-ups) and versions, several at once, and
 * stores and reads images.
 */
export type PostgresWorkerRole = 'writer' | 'compactor' | 'reader';

/** How a PostgreSQL worker reaches PostgreSQL: a pool of its own, like the main one. */
export interface PostgresWorkerOptions {
  role: PostgresWorkerRole;
  connectionString: string;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  /** Connections of the worker's pool. */
  poolSize: number;
}

/** One compaction's outcome, and what it met on the way, for the caller's logs and metrics. */
export interface CompactionJob {
  result: CompactionResult;
  /** Records skipped because they failed their checksum. */
  corrupt: CorruptRecord[];
  /** Another writer held the board's compaction lock. */
  contended: boolean;
}

/** A version taken, and the damaged records its read skipped. */
export interface VersionJob {
  result: TakeResult;
  corrupt: CorruptRecord[];
}

/** A read as it crosses the thread boundary: the records packed into one moved buffer. */
export interface PackedRead {
  updates: Packed;
  lastSeq: number;
  bytes: number;
  corruptCount: number;
  snapshot: boolean;
  /** The board's last_seq when read. */
  head: number;
  corrupt: CorruptRecord[];
}

/** A committed batch: each append's seq, in batch order, and how the commit went. */
export interface AppendJob {
  seqs: number[];
  stats: AppendStats;
}

export interface BoardReadJob {
  board: StoredBoard;
  head: number;
  corrupt: CorruptRecord[];
}

/** The application name of each worker's connections, as `pg_stat_activity` shows them. */
export const POSTGRES_WORKER_APPLICATION_NAMES: Record<PostgresWorkerRole, string> = {
  writer: 'drawbridge-writer',
  compactor: 'drawbridge-compactor',
  reader: 'drawbridge-reader',
};

/**
 * A worker thread that talks to PostgreSQL with connections of its own (see `./worker.ts`),
 * started on first use. node-postgres parses every row on the thread that queries (bytea arrives
 * as hex text and is decoded there), so reading a large board on the event loop would hold it
 * for tens of milliseconds, and a compaction reading every record for hundreds. Appends build
 * and send a statement of up to thousands of parameters per batch, and the write that wakes
 * PostgreSQL is where a busy machine preempts the thread that made it: the event loop should not
 * be that thread. A worker that dies fails its calls in flight; the next call starts a new one.
 */
export class PostgresWorker {
  #worker: RpcWorker | undefined;
  readonly #options: PostgresWorkerOptions;
  readonly #onExit: (error: Error) => void;

  constructor(options: PostgresWorkerOptions, onExit: (error: Error) => void) {
    this.#options = options;
    this.#onExit = onExit;
  }

  /** Starts the thread now, so that the first call does not wait for it to load. */
  start(): void {
    this.#rpc();
  }

  /** Commits a batch (`appendBatch`); the batch's bytes move to the worker. */
  append(batch: readonly QueuedAppend[]): Promise<AppendJob> {
    const { moved, transfer } = movableBatch(batch);
    return this.#rpc().call<AppendJob>('append', [moved], transfer);
  }

  /** Boards' last seqs as a read saw them, for the writer's guesses (`SeqCache.learn`). */
  learn(heads: readonly (readonly [boardId: string, seq: number])[]): void {
    if (heads.length === 0) return;
    this.#rpc()
      .call('learn', [heads])
      .catch(() => undefined);
  }

  compact(boardId: string, minRecords: number): Promise<CompactionJob> {
    return this.#rpc().call<CompactionJob>('compact', [boardId, minRecords]);
  }

  takeVersion(boardId: string, options: TakeOptions): Promise<VersionJob> {
    return this.#rpc().call<VersionJob>('takeVersion', [boardId, options]);
  }

  /** The board after `afterSeq`, as `Storage.readSince` returns it (the records share one buffer). */
  async read(boardId: string, afterSeq: number): Promise<BoardReadJob> {
    const read = await this.#rpc().call<PackedRead>('read', [boardId, afterSeq]);
    return {
      board: {
        updates: unpack(read.updates),
        lastSeq: read.lastSeq,
        bytes: read.bytes,
        corrupt: read.corruptCount,
        snapshot: read.snapshot,
      },
      head: read.head,
      corrupt: read.corrupt,
    };
  }

  /** Sends one part of an upload ahead of `putAsset`; the part moves to the worker. */
  sendAssetPart(token: string, part: Uint8Array): Promise<void> {
    return this.#rpc().call('assetPart', [token, part], [part.buffer as ArrayBuffer]);
  }

  /** Forgets an upload's parts (one that failed on its way). */
  dropAsset(token: string): Promise<void> {
    return this.#rpc().call('assetDrop', [token]);
  }

  /** `AssetStore.put` of an upload whose parts were sent under `asset.token`. */
  putAsset(
    boardId: string,
    asset: SentAsset,
    options: { maxBoardBytes: number; now: number },
  ): Promise<AssetPutJob> {
    return this.#rpc().call<AssetPutJob>('assetPut', [boardId, asset, options]);
  }

  /** `AssetStore.getMany`, the bytes moved back. */
  readAssets(
    boardId: string,
    assetIds: readonly string[],
    maxBytes: number,
  ): Promise<AssetReadJob> {
    return this.#rpc().call<AssetReadJob>('assetRead', [boardId, [...assetIds], maxBytes]);
  }

  /** A stored version (`readVersion`), its bytes moved back. */
  readVersion(boardId: string, versionId: number): Promise<ReadVersion | null> {
    return this.#rpc().call<ReadVersion | null>('readVersion', [boardId, versionId]);
  }

  /** Closes the worker's connections, then the worker. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (!worker) return;
    try {
      await worker.call('close');
    } finally {
      await worker.terminate();
    }
  }

  #rpc(): RpcWorker {
    this.#worker ??= new RpcWorker({
      callerUrl: import.meta.url,
      sourcePath: './worker.ts',
      bundledName: 'postgres-worker.js',
      name: `postgres-${this.#options.role}`,
      workerData: this.#options,
      onExit: this.#onExit,
    });
    return this.#worker;
  }
}
