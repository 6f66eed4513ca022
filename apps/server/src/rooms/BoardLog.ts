import type { Logger } from '../logger.js';
import type { Storage, StoredBoard } from '../storage/Storage.js';
import type { BoardMemory } from './BoardMemory.js';
import { storableMerge } from './storableMerge.js';

export interface BoardLogDeps {
  storage: Storage;
  logger: Logger;
  /** Records after the snapshot that make a compaction worth its cost. */
  compactEvery: number;
  /**
   * A compaction that is due waits until the board has had no append for this long (0: none
   * waits; the default), but at most `compactMaxWaitMs`, and not once the log has grown to
   * `COMPACT_BACKLOG` times `compactEvery`.
   */
  compactQuietMs?: number;
  /** How long a due compaction waits at most for a quiet moment; `COMPACT_MAX_WAIT_MS` by default. */
  compactMaxWaitMs?: number;
  /** Told about every compaction this log ran (metrics, tests). */
  onCompacted?: (boardId: string, records: number) => void;
  /** What the node's loaded boards hold: this log reports its size to it as it changes. */
  memory?: BoardMemory | null;
}

const byteSum = (updates: readonly Uint8Array[]) => updates.reduce((n, u) => n + u.byteLength, 0);

/** How long to wait before retrying updates whose append failed. */
const RETRY_MS = 500;

/**
 * A due compaction waits for a pause in the edits at most this long: a board edited without
 * pause is compacted about this often. Its cost is a rebuild of the whole board (read, decode,
 * encode, write) on the worker threads, so it should not run in the middle of a burst, when
 * acks wait on the storage worker and every core is busy. In the fan-out burst (1 writer, 50
 * readers, 12,000 edits in 2-3 s) compactions every 4,000 records took about as much CPU as the
 * relay itself (server CPU per delivered update 2.2-2.8 us without them, 4.4-4.9 us with).
 */
export const COMPACT_MAX_WAIT_MS = 10_000;

/**
 * A log this many times `compactEvery` (16,000 records by default) is compacted at once, quiet
 * or not: it bounds what a cold load applies when a board is edited faster than ever pausing.
 */
export const COMPACT_BACKLOG = 32;

/**
 * One board's stored log as this node sees it. Records carry gapless seqs assigned by storage in
 * commit order across every writer; the log knows which of them the board's document has
 * applied: `appliedThrough` is the highest seq such that every record up to it is in the doc.
 * Anything above it that exists in storage (`head`) is a gap, repaired by `catchUp`.
 *
 * It also keeps what this node integrated but could not store (`#unstored`): `durable()` waits
 * until that is stored, so no join answers with a state vector covering content only in memory.
 */
export class BoardLog {
  #appliedThrough: number;
  /** Seqs above `appliedThrough` already in the doc (own appends that committed early). */
  readonly #appliedAbove = new Set<number>();
  #head: number;
  /** Seq and size of each record after the snapshot that this node knows of. */
  #records: { seq: number; bytes: number }[] = [];
  /** Sum of `#records`' bytes (read on every update: the board's size limit). */
  #recordBytes = 0;
  #snapshotBytes: number;
  readonly #inFlight = new Set<Promise<unknown>>();
  #unstored: Uint8Array[] = [];
  /** Bytes of `#unstored` and of a retry in flight: part of the board's size until stored. */
  #unstoredBytes = 0;
  /** Appends that failed since everything was last stored: only the first is logged. */
  #failedAppends = 0;
  #retry: Promise<void> | null = null;
  /** The one timer of the next retry, while updates wait to be stored. */
  #retryTimer: NodeJS.Timeout | null = null;
  /** Told when every update whose append failed so far is stored (`onRecovered`). */
  #recovered: (() => void) | null = null;
  /** Told when a read skipped damaged records (`onDamaged`). */
  #damaged: ((by: 'catch-up' | 'compaction') => void) | null = null;
  readonly #loadedDamaged: boolean;
  /** The size last reported to `deps.memory`. */
  #reported = 0;
  #compacting: Promise<void> | null = null;
  /** A due compaction waiting for a quiet moment, and when the last append committed. */
  #quietTimer: NodeJS.Timeout | null = null;
  #lastAppendAt = 0;
  /** When the compaction now due became due (null: none is due). */
  #dueSince: number | null = null;
  #closed = false;

  constructor(
    readonly boardId: string,
    loaded: StoredBoard,
    private readonly deps: BoardLogDeps,
  ) {
    this.#appliedThrough = loaded.lastSeq;
    this.#head = loaded.lastSeq;
    this.#loadedDamaged = loaded.corrupt > 0;
    if (this.#loadedDamaged) {
      deps.logger.warn({ boardId, corrupt: loaded.corrupt }, 'skipped corrupt stored records');
    }
    this.#snapshotBytes = loaded.snapshot ? loaded.updates[0]!.byteLength : 0;
    // Seqs of loaded records are not returned one by one; their count and size is what matters.
    const records = loaded.updates.slice(loaded.snapshot ? 1 : 0);
    this.#records = records.map((update) => ({ seq: 0, bytes: update.byteLength }));
    this.#recordBytes = this.#records.reduce((sum, r) => sum + r.bytes, 0);
    this.#report();
  }

  get appliedThrough(): number {
    return this.#appliedThrough;
  }

  /** The highest seq known to exist in storage. */
  get head(): number {
    return this.#head;
  }

  /** True when storage holds records the doc has not applied. */
  get behind(): boolean {
    return this.#head > this.#appliedThrough;
  }

  /** True while the doc holds updates whose append failed and that are not stored since. */
  get holdsUnstored(): boolean {
    return this.#unstored.length > 0 || this.#retry !== null;
  }

  /** Approximate size: snapshot, the records after it, and what waits to be stored. */
  get bytes(): number {
    return this.#snapshotBytes + this.#recordBytes + this.#unstoredBytes;
  }

  /** Bytes of what waits to be stored (`/metrics`). */
  get unstoredBytes(): number {
    return this.#unstoredBytes;
  }

  /** Records known to follow the snapshot. */
  get recordsSinceSnapshot(): number {
    return this.#records.length;
  }

  /** Stores an update the doc integrated; resolves with its seq once committed. */
  append(update: Uint8Array): Promise<number> {
    const write = this.deps.storage.append(this.boardId, update).then(
      (seq) => {
        this.markApplied(seq, update.byteLength);
        this.#maybeCompact();
        return seq;
      },
      (error: unknown) => {
        // The update lives in the doc and at the peers, but not in storage: keep it and store
        // it again as soon as storage works, before any join is answered.
        this.#unstored.push(update);
        this.#unstoredBytes += update.byteLength;
        this.#report();
        // The next ones are counted, and logged with the recovery.
        if (this.#failedAppends++ === 0) {
          this.deps.logger.error({ boardId: this.boardId, err: error }, 'append failed');
        }
        this.#scheduleRetry();
        throw error;
      },
    );
    this.#track(write);
    return write;
  }

  /** `listener` is told each time every update whose append failed is stored (no new failure). */
  onRecovered(listener: () => void): void {
    this.#recovered = listener;
  }

  /**
   * `listener` is told each time a catch-up or a compaction read records that no longer read
   * back (damaged): what they held is gone from storage, and a doc that loaded before holds it.
   */
  onDamaged(listener: (by: 'catch-up' | 'compaction') => void): void {
    this.#damaged = listener;
  }

  /** True when the board's load skipped damaged records: the doc lacks what they held. */
  get loadedDamaged(): boolean {
    return this.#loadedDamaged;
  }

  /** Notes that the record `seq` (of `bytes` bytes) is in the doc. */
  markApplied(seq: number, bytes = 0): void {
    if (seq <= this.#appliedThrough || this.#appliedAbove.has(seq)) return;
    this.#records.push({ seq, bytes });
    this.#recordBytes += bytes;
    this.#report();
    this.#head = Math.max(this.#head, seq);
    this.#appliedAbove.add(seq);
    while (this.#appliedAbove.delete(this.#appliedThrough + 1)) this.#appliedThrough++;
  }

  /** Notes that storage holds records up to `seq` (from a peer's notice or a head check). */
  noteHead(seq: number): void {
    this.#head = Math.max(this.#head, seq);
  }

  /**
   * Reads every record after `appliedThrough` and hands them to `apply` (in seq order; a
   * compacted range comes as the snapshot first), which may take turns of the event loop: they
   * count as applied once it resolves. Returns how many records it read.
   */
  async catchUp(apply: (updates: readonly Uint8Array[]) => void | Promise<void>): Promise<number> {
    const from = this.#appliedThrough;
    const read = await this.deps.storage.readSince(this.boardId, from);
    if (this.#closed) return 0;
    await apply(read.updates);
    if (this.#closed) return 0;
    if (read.corrupt > 0) this.#damaged?.('catch-up');
    if (read.lastSeq > this.#appliedThrough) {
      const records = read.updates.slice(read.snapshot ? 1 : 0);
      for (const update of records) {
        this.#records.push({ seq: 0, bytes: update.byteLength });
        this.#recordBytes += update.byteLength;
      }
      this.#report();
      this.#appliedThrough = read.lastSeq;
      this.#head = Math.max(this.#head, read.lastSeq);
      for (const seq of this.#appliedAbove) if (seq <= read.lastSeq) this.#appliedAbove.delete(seq);
      while (this.#appliedAbove.delete(this.#appliedThrough + 1)) this.#appliedThrough++;
    }
    return read.updates.length;
  }

  /** Resolves once every append so far has settled. */
  async flush(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Resolves once what this node integrated before the call is stored (the appends then in
   * flight, and updates whose append failed, retries in flight included); throws if storage still
   * fails. Not later appends: a board edited without a pause always has one in flight.
   */
  async durable(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
    while (this.holdsUnstored) await this.#storeUnstored();
  }

  /** Compacts now (when the log holds at least two records); one compaction at a time. */
  compact(minRecords = 2): Promise<void> {
    this.#dueSince = null;
    this.#compacting ??= this.#runCompaction(minRecords).finally(() => {
      this.#compacting = null;
    });
    return this.#compacting;
  }

  /** Stops background work; the log is unusable after. */
  close(): void {
    if (!this.#closed) this.deps.memory?.add(-this.#reported);
    this.#reported = 0;
    this.#closed = true;
    if (this.#quietTimer) clearTimeout(this.#quietTimer);
    this.#quietTimer = null;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  /** Tells the node's memory budget what this log's size changed by. */
  #report(): void {
    const memory = this.deps.memory;
    if (!memory || this.#closed) return;
    const bytes = this.bytes;
    memory.add(bytes - this.#reported);
    this.#reported = bytes;
  }

  #track(write: Promise<unknown>): void {
    this.#inFlight.add(write);
    const settled = () => this.#inFlight.delete(write);
    write.then(settled, settled);
  }

  /**
   * Stores what failed earlier, merged where the merge makes a valid record (`storableMerge`):
   * what the doc integrated (a client's bytes only when they passed the scan and the doc took
   * all of them), never raw input.
   */
  #storeUnstored(): Promise<void> {
    this.#retry ??= (async () => {
      const parts = storableMerge(this.#unstored);
      this.#unstoredBytes += byteSum(parts) - byteSum(this.#unstored);
      this.#unstored = [];
      const results = await Promise.allSettled(
        parts.map(async (part) => this.deps.storage.append(this.boardId, part)),
      );
      const failed: Uint8Array[] = [];
      let failure: unknown = null;
      results.forEach((result, i) => {
        if (result.status === 'fulfilled') {
          this.#unstoredBytes -= parts[i]!.byteLength;
          this.markApplied(result.value, parts[i]!.byteLength);
        } else {
          failed.push(parts[i]!);
          failure ??= result.reason;
        }
      });
      if (failed.length > 0) {
        this.#unstored.unshift(...failed);
        throw failure;
      }
      // Others that failed while these were stored wait for the retry timer's next turn.
      if (this.#unstored.length > 0) return;
      this.deps.logger.info(
        { boardId: this.boardId, records: parts.length, failedAppends: this.#failedAppends },
        'stored updates whose append had failed',
      );
      this.#failedAppends = 0;
      if (!this.#closed) this.#recovered?.();
    })().finally(() => {
      this.#retry = null;
    });
    return this.#retry;
  }

  /** Retries every `RETRY_MS` on one timer, however many appends failed, until all is stored. */
  #scheduleRetry(): void {
    if (this.#retryTimer || this.#closed) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#closed || !this.holdsUnstored) return;
      // Waits for a join's attempt in flight, if any; again while anything is left.
      this.#storeUnstored().then(
        () => this.holdsUnstored && this.#scheduleRetry(),
        () => this.#scheduleRetry(),
      );
    }, RETRY_MS);
    this.#retryTimer.unref();
  }

  /**
   * Compact after `compactEvery` records, but only once the log has grown by a quarter of the
   * snapshot too: re-encoding a large board every few hundred small strokes would make each
   * stroke's cost grow with the board. This keeps the amortised cost per stored byte constant.
   */
  #maybeCompact(): void {
    const now = performance.now();
    this.#lastAppendAt = now;
    if (this.#compacting || this.#closed) return;
    if (this.#records.length < this.deps.compactEvery) return;
    if (this.#recordBytes < this.#snapshotBytes / 4) return;
    // Due. A compaction reads and rewrites the whole board, on the storage worker that also
    // commits every edit: while the board is being edited, it waits for a pause (a burst ends,
    // the room unloads), so it never runs behind an editor's strokes. A board edited without a
    // pause is compacted anyway once it has waited `COMPACT_MAX_WAIT_MS`, or once its log is
    // `COMPACT_BACKLOG` times the threshold.
    this.#dueSince ??= now;
    const quietMs = this.deps.compactQuietMs ?? 0;
    const maxWaitMs = this.deps.compactMaxWaitMs ?? COMPACT_MAX_WAIT_MS;
    if (
      quietMs <= 0 ||
      now - this.#dueSince >= maxWaitMs ||
      this.#records.length >= this.deps.compactEvery * COMPACT_BACKLOG
    ) {
      if (this.#quietTimer) clearTimeout(this.#quietTimer);
      this.#quietTimer = null;
      this.#compactNow();
      return;
    }
    if (!this.#quietTimer) this.#waitForQuiet(quietMs);
  }

  #waitForQuiet(quietMs: number): void {
    const wait = Math.max(1, this.#lastAppendAt + quietMs - performance.now());
    this.#quietTimer = setTimeout(() => {
      this.#quietTimer = null;
      if (this.#closed) return;
      // Appends since: wait for the rest of a quiet period after the last one.
      if (performance.now() - this.#lastAppendAt < quietMs) this.#waitForQuiet(quietMs);
      else this.#compactNow();
    }, wait);
    this.#quietTimer.unref();
  }

  #compactNow(): void {
    if (this.#compacting || this.#closed) return;
    this.compact(this.deps.compactEvery).catch((error: unknown) => {
      this.deps.logger.error({ boardId: this.boardId, err: error }, 'compaction failed');
    });
  }

  async #runCompaction(minRecords: number): Promise<void> {
    await this.flush();
    const result = await this.deps.storage.compact(this.boardId, { minRecords });
    if (result.corrupt) this.#damaged?.('compaction');
    if (!result.compacted) return;
    this.#snapshotBytes = result.snapshotBytes;
    // Records this node knows by seq stay when they are newer than the snapshot; those loaded
    // or caught up in bulk (seq 0) are older than anything that committed after them.
    this.#records = this.#records.filter(({ seq }) => seq > result.throughSeq);
    this.#recordBytes = this.#records.reduce((sum, r) => sum + r.bytes, 0);
    this.#report();
    this.deps.onCompacted?.(this.boardId, result.records);
  }
}
