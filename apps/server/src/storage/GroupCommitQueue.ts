import type { BatchBoundary } from '../flow/batchBoundary.js';
import { type Packed, pack, transferOf, unpack } from '../workers/packing.js';

export interface QueuedAppend {
  boardId: string;
  /** A private copy of the caller's bytes. */
  data: Uint8Array;
}

export interface CommitInfo {
  /** Appends committed by this transaction. */
  records: number;
  /** Payload bytes committed by this transaction. */
  bytes: number;
  /** Wall time of the commit as the caller saw it (queue to answer), fsync included. */
  seconds: number;
}

/**
 * A batch as it crosses to a worker thread: every append's bytes packed into one buffer, which
 * is moved (the transfer list), not copied again. One buffer instead of one per append: moving
 * each of a few dozen small buffers, and cloning an object around each, cost about 6% of the
 * server's CPU in the fan-out burst.
 */
export interface MovedBatch {
  boardIds: string[];
  packed: Packed;
}

export function movableBatch(batch: readonly QueuedAppend[]): {
  moved: MovedBatch;
  transfer: ArrayBuffer[];
} {
  const packed = pack(batch.map(({ data }) => data));
  return {
    moved: { boardIds: batch.map(({ boardId }) => boardId), packed },
    transfer: transferOf(packed),
  };
}

/** The batch again, on the worker's side of `movableBatch`. */
export function receivedBatch({ boardIds, packed }: MovedBatch): QueuedAppend[] {
  // Buffers over the one received buffer (drivers bind a Buffer view's own bytes only).
  return unpack(packed).map((data, i) => ({
    boardId: boardIds[i]!,
    data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  }));
}

/** Appends not stored yet (`GroupCommitQueue.waiting`). */
export interface StorageWaiting {
  records: number;
  bytes: number;
  /** How long the commit in flight has run, in ms (0 when none). */
  commitMs: number;
}

/** Commits a batch in one transaction; resolves with each append's seq, in batch order. */
export type CommitBatch = (batch: readonly QueuedAppend[]) => Promise<number[]>;

export interface GroupCommitQueueOptions {
  commit: CommitBatch;
  /** Called after every successful commit (metrics); a throwing hook is ignored. */
  onCommit?: (info: CommitInfo) => void;
  /** Largest batch, in records and in bytes; the rest waits for the next commit. */
  maxRecords?: number;
  maxBytes?: number;
}

interface Pending extends QueuedAppend {
  resolve: (seq: number) => void;
  reject: (error: Error) => void;
}

export const DEFAULT_MAX_RECORDS = 1000;
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

/** Without a server's boundary: the event loop's next check phase (every append of this turn). */
const nextTurnBoundary: BatchBoundary = (commit) => setImmediate(commit);

/**
 * Group commit, shared by every backend: appends issued while a commit is in flight (or before
 * the boundary: the end of a server's slice of handlers, else the event-loop turn) are committed
 * together by the next one, so they share one fsync. One commit is in flight at a time, which
 * also keeps each board's records in issue order.
 */
export class GroupCommitQueue {
  readonly #commit: CommitBatch;
  readonly #onCommit: ((info: CommitInfo) => void) | undefined;
  readonly #maxRecords: number;
  readonly #maxBytes: number;
  #queue: Pending[] = [];
  #inFlight = false;
  /** The commit in flight: its records, bytes, and when it began (`waiting`). */
  #batch = { records: 0, bytes: 0, since: 0 };
  #scheduled = false;
  #boundary: BatchBoundary = nextTurnBoundary;
  /** Settles (never rejects) once the most recently enqueued append has settled. */
  #last: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: GroupCommitQueueOptions) {
    this.#commit = options.commit;
    this.#onCommit = options.onCommit;
    this.#maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  /**
   * Commits what a batch of handlers appended as soon as the batch ends. A server's handlers
   * run in slices of its inbound scheduler, themselves on the event loop's check phase: a commit
   * left to the next check phase waited a whole loop turn (every socket's reads, the workers'
   * answers). In the fan-out burst a commit was then in flight 53-77% of the time, 73-76% since.
   */
  useBoundary(boundary: BatchBoundary): void {
    this.#boundary = boundary;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * What waits to be stored: appends queued or in the commit in flight (records, bytes), and
   * how long that commit has run (0 when none): it grows while storage does not answer.
   */
  waiting(now = performance.now()): StorageWaiting {
    let bytes = this.#inFlight ? this.#batch.bytes : 0;
    for (const pending of this.#queue) bytes += pending.data.byteLength;
    return {
      records: this.#queue.length + (this.#inFlight ? this.#batch.records : 0),
      bytes,
      commitMs: this.#inFlight ? now - this.#batch.since : 0,
    };
  }

  /** Queues a copy of `update`; resolves with its seq once committed. */
  enqueue(boardId: string, update: Uint8Array): Promise<number> {
    if (this.#closed) return Promise.reject(new Error('storage is closed'));
    if (!(update instanceof Uint8Array)) {
      return Promise.reject(new TypeError('append: update must be a Uint8Array'));
    }
    const result = new Promise<number>((resolve, reject) => {
      // Copy now, into a buffer of its own (a Node Buffer's slice would share memory): the
      // caller may reuse its bytes before the commit. (The worker backends copy the batch once
      // more, packed into one buffer, as it crosses to their thread; the in-memory one keeps
      // this copy.)
      this.#queue.push({ boardId, data: new Uint8Array(update), resolve, reject });
    });
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.#last = settled;
    this.#schedule();
    return result;
  }

  /** Resolves once every append enqueued before the call has settled. */
  flush(): Promise<void> {
    return this.#last;
  }

  /** Refuses new appends; resolves once the queued ones have settled. */
  close(): Promise<void> {
    this.#closed = true;
    return this.#last;
  }

  #schedule(): void {
    if (this.#inFlight || this.#scheduled) return;
    this.#scheduled = true;
    this.#boundary(() => {
      this.#scheduled = false;
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    if (this.#inFlight) return;
    while (this.#queue.length > 0) {
      const batch = this.#takeBatch();
      this.#inFlight = true;
      // Counted before the commit: a backend may move the bytes elsewhere.
      const bytes = batch.reduce((sum, pending) => sum + pending.data.byteLength, 0);
      this.#batch = { records: batch.length, bytes, since: performance.now() };
      const started = process.hrtime.bigint();
      try {
        const seqs = await this.#commit(batch);
        if (seqs.length !== batch.length) {
          throw new Error(`commit returned ${seqs.length} seqs for ${batch.length} appends`);
        }
        batch.forEach((pending, i) => {
          pending.resolve(seqs[i]!);
        });
        this.#report({
          records: batch.length,
          bytes,
          seconds: Number(process.hrtime.bigint() - started) / 1e9,
        });
      } catch (cause) {
        const message = cause instanceof Error ? cause.message : String(cause);
        const error = new Error(`storage commit failed: ${message}`, { cause });
        for (const pending of batch) pending.reject(error);
      } finally {
        this.#inFlight = false;
      }
    }
  }

  #takeBatch(): Pending[] {
    let count = 0;
    let bytes = 0;
    while (count < this.#queue.length && count < this.#maxRecords) {
      const size = this.#queue[count]!.data.byteLength;
      if (count > 0 && bytes + size > this.#maxBytes) break;
      bytes += size;
      count++;
    }
    return this.#queue.splice(0, count);
  }

  #report(info: CommitInfo): void {
    try {
      this.#onCommit?.(info);
    } catch {
      // A broken metrics hook must not turn a durable commit into a failure.
    }
  }
}
