import type { BatchBoundary } from '../flow/batchBoundary.js';
import { type Logger, silentLogger } from '../logger.js';
import { type Packed, unpack } from '../workers/packing.js';
import { RpcWorker } from '../workers/RpcWorker.js';
import { ownBytes } from '../workers/serveRpc.js';
import type { BoardCatalog, LinkStore } from './Catalog.js';
import {
  type CommitInfo,
  GroupCommitQueue,
  movableBatch,
  type QueuedAppend,
  type StorageWaiting,
} from './GroupCommitQueue.js';
import type { RecordKind } from './records.js';
import { SnapshotBuilder } from './SnapshotBuilder.js';
import type { CompactionResult, CompactOptions, Storage, StoredBoard } from './Storage.js';
import { sqliteBoards, sqliteLinks } from './sqlite/catalogClient.js';
import { DataFileLock } from './sqlite/DataFileLock.js';
import { SqliteAssets } from './sqlite/SqliteAssets.js';
import { type CompactionInput, SqliteLog } from './sqlite/SqliteLog.js';
import { SqliteVersions } from './sqlite/SqliteVersions.js';
import { StrayPartSweep } from './sqlite/StrayPartSweep.js';
import { storeSnapshot } from './sqlite/storeSnapshot.js';

export interface CorruptRecord {
  kind: RecordKind;
  boardId: string;
  seq: number;
  reason: string;
}

export interface SqliteStorageOptions {
  /** Database file; its parent directory is created if missing. */
  file: string;
  logger?: Logger;
  /** Called after every group commit of appends (metrics). Compactions are not reported. */
  onCommit?: (info: CommitInfo) => void;
  /** Called for every stored record skipped because it failed its checksum. */
  onCorrupt?: (record: CorruptRecord) => void;
  /**
   * FULL (default) fsyncs the WAL on every commit so an ack survives an OS crash or power loss.
   * NORMAL still survives a process crash but may lose the last commits on power loss.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * Holds the file's lock (`DataFileLock`) from before it opens until `close`: throws
   * `DataFileInUseError` when another process holds it. A server's storage does; tests that
   * open one file twice on purpose (two writers) do not.
   */
  exclusive?: boolean;
}

/** `CompactionInput` as the storage worker sends it: the records packed into one buffer. */
type PackedCompactionInput =
  | Extract<CompactionInput, { skip: unknown }>
  | (Omit<Extract<CompactionInput, { parts: unknown }>, 'parts'> & { parts: Packed });

/** A `StoredBoard` as the storage worker sends it: the records packed into one buffer. */
type PackedBoard = Omit<StoredBoard, 'updates'> & { updates: Packed };

/**
 * Storage in one SQLite file (WAL mode), driven from a worker thread: the event loop only queues
 * appends and receives answers. The same file and thread hold the boards' images (`assets`) and
 * versions (`versions`); whole boards are read by a second worker on a read-only connection, so
 * a large read never waits for, nor holds up, the commits. Appends queued while a commit runs share the next one (group
 * commit, one fsync). Several processes may open the same file; seqs stay gapless per board.
 */
export class SqliteStorage implements Storage {
  readonly shared = false;
  readonly links: LinkStore;
  readonly boards: BoardCatalog;
  readonly assets: SqliteAssets;
  readonly versions: SqliteVersions;
  /** Commits, and every other write; small reads. */
  readonly #worker: RpcWorker;
  /** Whole boards, on a read-only connection of its own (see `sqlite/worker.ts`). */
  readonly #reader: RpcWorker;
  readonly #queue: GroupCommitQueue;
  readonly #builder: SnapshotBuilder;
  readonly #strays: StrayPartSweep;
  readonly #logger: Logger;
  readonly #lock: DataFileLock | null;
  #closed = false;

  constructor(options: SqliteStorageOptions) {
    this.#logger = (options.logger ?? silentLogger).child({ component: 'sqlite-storage' });
    const synchronous = options.synchronous ?? 'FULL';
    this.#lock = options.exclusive ? DataFileLock.take(options.file) : null;
    // Open and migrate here, once, so a file we cannot use fails the constructor, not a
    // later call; the worker then opens a file that is known to be good.
    let check: SqliteLog;
    try {
      check = new SqliteLog({ file: options.file, synchronous });
    } catch (error) {
      this.#lock?.release();
      throw error;
    }
    if (check.journalMode !== 'wal') {
      this.#logger.warn({ file: options.file, mode: check.journalMode }, 'WAL mode unavailable');
    }
    check.close();
    const logger = this.#logger;
    const onEvent = (event: string, payload: unknown) => {
      if (event === 'damagedAsset')
        logger.warn(payload as object, 'stored asset does not match its hash');
      if (event !== 'corrupt') return;
      const record = payload as CorruptRecord;
      logger.warn(record, 'skipping corrupt record');
      options.onCorrupt?.(record);
    };
    const worker = (name: string, readonly: boolean) =>
      new RpcWorker({
        callerUrl: import.meta.url,
        sourcePath: './sqlite/worker.ts',
        bundledName: 'sqlite-worker.js',
        name,
        workerData: { file: options.file, synchronous, readonly },
        onEvent,
        onExit: (error) => logger.error({ err: error, name }, 'storage worker died; restarting'),
      });
    this.#worker = worker('sqlite-storage', false);
    this.#reader = worker('sqlite-reader', true);
    this.#strays = new StrayPartSweep({ reader: this.#reader, writer: this.#worker, logger });
    this.#builder = new SnapshotBuilder((error) =>
      logger.error({ err: error }, 'snapshot worker died; restarting'),
    );
    this.#queue = new GroupCommitQueue({
      commit: (batch) => this.#commit(batch),
      ...(options.onCommit ? { onCommit: options.onCommit } : {}),
    });
    const call = async <T>(method: string, args: unknown[]): Promise<T> => {
      this.#assertOpen();
      // A deletion or a listing must see the appends queued before it.
      await this.#queue.flush();
      return this.#worker.call<T>(method, args);
    };
    this.links = sqliteLinks(call);
    this.boards = sqliteBoards(call);
    const assertOpen = () => this.#assertOpen();
    this.assets = new SqliteAssets(this.#worker, this.#reader, assertOpen);
    this.versions = new SqliteVersions(
      this.#worker,
      this.#reader,
      assertOpen,
      () => this.#queue.flush(),
      (updates) => this.#builder.version(updates),
    );
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

  async load(boardId: string): Promise<StoredBoard> {
    return this.readSince(boardId, 0);
  }

  async readSince(boardId: string, afterSeq: number): Promise<StoredBoard> {
    this.#assertOpen();
    // Appends already queued are part of what the caller expects to read.
    await this.#queue.flush();
    const { updates, ...rest } = await this.#reader.call<PackedBoard>('readSince', [
      boardId,
      afterSeq,
    ]);
    return { ...rest, updates: unpack(updates) };
  }

  async headSeqs(boardIds: readonly string[]): Promise<Map<string, number>> {
    this.#assertOpen();
    return this.#worker.call<Map<string, number>>('headSeqs', [boardIds]);
  }

  /** Read and write in the storage worker; the snapshot is built in another, so commits go on. */
  async compact(boardId: string, options: CompactOptions = {}): Promise<CompactionResult> {
    this.#assertOpen();
    const input = await this.#reader.call<PackedCompactionInput>('compactionInput', [
      boardId,
      options.minRecords ?? 2,
    ]);
    if ('skip' in input) return input.skip;
    // The records and the snapshot pass through this thread by transfer; a large snapshot is
    // copied out part by part (256 KB at a time) to be stored between the commits.
    const built = await this.#builder.build(input.parts);
    const state = ownBytes(built);
    const snapshotBytes = state.byteLength;
    const written = await storeSnapshot(
      this.#worker,
      boardId,
      input.expected,
      input.throughSeq,
      state,
    );
    if (!written) {
      return {
        compacted: false,
        skipped: 'locked',
        throughSeq: input.expected,
        snapshotBytes: input.snapshotBytes,
        records: 0,
      };
    }
    return {
      compacted: true,
      throughSeq: input.throughSeq,
      snapshotBytes,
      records: input.records,
      ...(input.corrupt > 0 ? { corrupt: input.corrupt } : {}),
    };
  }

  async flush(): Promise<void> {
    this.#assertOpen();
    await this.#queue.flush();
  }

  async ping(): Promise<void> {
    this.#assertOpen();
    await this.#worker.call('ping');
  }

  /**
   * Deletes the parts of large snapshots and versions that nothing names, on any board, once an
   * hour old (`StrayPartSweep`, which also runs hourly): how many writes' parts it deleted.
   */
  sweepStrayParts(): Promise<number> {
    this.#assertOpen();
    return this.#strays.sweep();
  }

  /** Committed rows of a board, for tests and diagnostics; queued appends are not counted. */
  async stats(boardId: string): Promise<{ updates: number; snapshots: number }> {
    this.#assertOpen();
    return this.#worker.call('stats', [boardId]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#strays.close();
    await this.#queue.close();
    try {
      // The writer last: the last connection to close copies the WAL into the database and
      // deletes it, which a read-only one cannot do. A stopped node's file then stands alone.
      await this.#reader.call('close');
      await this.#worker.call('close');
    } finally {
      await Promise.all([this.#worker.terminate(), this.#reader.terminate()]);
      await this.#builder.close();
      this.#lock?.release();
    }
  }

  #commit(batch: readonly QueuedAppend[]): Promise<number[]> {
    const { moved, transfer } = movableBatch(batch);
    return this.#worker.call<number[]>('commit', [moved], transfer);
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('storage is closed');
  }
}
