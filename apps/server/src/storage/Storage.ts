import type { BatchBoundary } from '../flow/batchBoundary.js';
import type { AssetStore } from './AssetStore.js';
import type { BoardCatalog, LinkStore } from './Catalog.js';
import type { StorageWaiting } from './GroupCommitQueue.js';
import type { VersionStore } from './VersionStore.js';

/**
 * Durable storage of boards: an append-only log of Yjs updates per board, each record with a
 * sequence number, compacted into a snapshot from time to time. Every backend passes the
 * contract suite in `storageContract.ts`, including its two-writer cases.
 *
 * The contract:
 * - `append` resolves only once the update is durably committed (it survives kill -9 of the
 *   process). Concurrent appends share one commit (`GroupCommitQueue`).
 * - Sequence numbers are gapless per board and assigned in commit order, across every writer of
 *   the same database: a reader that has applied records 1..n and sees n + 2 knows that n + 1
 *   exists and can read it with `readSince`.
 * - `load(boardId)` is `readSince(boardId, 0)`: the snapshot (if any) followed by every record
 *   after it, in seq order. A record whose checksum does not match (torn or corrupt) is skipped
 *   and counted in `corrupt`; it never makes a read throw.
 * - `readSince(boardId, afterSeq)` returns the records with seq > afterSeq. When some of them were
 *   compacted away, it returns the snapshot first (which holds them) and the records after it.
 * - `compact(boardId)` replaces the snapshot and the records it covers with one snapshot built
 *   from exactly those stored records (never from a caller's memory, which may lack records other
 *   writers appended). One compaction per board runs at a time across every writer; records
 *   appended meanwhile stay in the log, after the new snapshot.
 * - `links` and `boards` pass `catalogContract.ts`; they see appends queued before the call.
 * - After `close` resolves, nothing is pending and the backend releases its files/connections.
 */

export interface StoredBoard {
  /** Snapshot first (if `snapshot`), then the records after it, in seq order. */
  updates: Uint8Array[];
  /** Seq of the last record returned; the `afterSeq` asked for when nothing is newer. */
  lastSeq: number;
  /** Total bytes of `updates`. */
  bytes: number;
  /** Records skipped because their checksum did not match. */
  corrupt: number;
  /** True when `updates[0]` is the board's snapshot. */
  snapshot: boolean;
}

export interface CompactionResult {
  /** False when nothing was done: too few records, or another writer holds the board's lock. */
  compacted: boolean;
  /** Why nothing was done. */
  skipped?: 'locked' | 'small';
  /** The new snapshot covers every record up to this seq. */
  throughSeq: number;
  /** Size of the snapshot now stored. */
  snapshotBytes: number;
  /** Log records the snapshot replaced. */
  records: number;
  /**
   * Of those, records that no longer read back (damaged): what they held is not in the snapshot,
   * and is gone from storage unless a holder stores it again. Absent: none.
   */
  corrupt?: number;
}

export interface CompactOptions {
  /** Compact only when at least this many records follow the snapshot (default 2). */
  minRecords?: number;
}

export interface Storage {
  /** Minted links and their revocations (see `Catalog.ts`). */
  readonly links: LinkStore;
  /** The boards operators list and delete (see `Catalog.ts`). */
  readonly boards: BoardCatalog;
  /**
   * True when other processes may append to the same boards (a database shared by a cluster):
   * a node must then read what it has not seen before it answers a join.
   */
  readonly shared: boolean;
  load(boardId: string): Promise<StoredBoard>;
  readSince(boardId: string, afterSeq: number): Promise<StoredBoard>;
  /** The last committed seq of each board (0 for a board never written). */
  headSeqs(boardIds: readonly string[]): Promise<Map<string, number>>;
  /** Resolves with the record's sequence number once committed. */
  append(boardId: string, update: Uint8Array): Promise<number>;
  /**
   * When appends issued together are committed together (a server passes the end of its
   * handlers' slice); without it, a backend commits what was appended in one event-loop turn.
   */
  commitBoundary?(boundary: BatchBoundary): void;
  /** Appends not stored yet, and how long the commit in flight has run (metrics). */
  waiting?(): StorageWaiting;
  compact(boardId: string, options?: CompactOptions): Promise<CompactionResult>;
  /** Resolves once every append issued before the call is settled (committed or failed). */
  flush(): Promise<void>;
  /**
   * The boards' images and versions, in the same database as the boards. Every shipped backend
   * has them; a storage without them (a test double) serves neither.
   */
  readonly assets: AssetStore;
  readonly versions: VersionStore;
  /** Answers when the backend can commit now (readiness checks); throws otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
