/**
 * Durable storage of boards: an append-only log of Yjs updates per board, compacted into a
 * snapshot from time to time. Every backend passes the contract suite in `storageContract.ts`.
 *
 * The contract:
 * - `append` resolves only once the update is durably committed (it survives kill -9 of the
 *   process). Backends batch concurrent appends into one commit (group commit).
 * - `load` returns the snapshot (if any) followed by every update appended after it, in append
 *   order. A record whose checksum does not match (torn or corrupt) is skipped and counted in
 *   `corrupt`; it never makes `load` throw.
 * - `compact(boardId, state, throughSeq)` atomically stores `state` (a Yjs update holding the
 *   whole board as of every record with seq <= throughSeq, and possibly more) as the snapshot and
 *   drops those records. A compaction whose `throughSeq` is older than the stored snapshot's is
 *   ignored.
 * - After `close` resolves, nothing is pending and the backend releases its files.
 */
export interface StoredBoard {
  /** Snapshot first (if any), then the updates after it, in order. */
  updates: Uint8Array[];
  /** Sequence number of the last record returned (0 for an empty board). */
  lastSeq: number;
  /** Total bytes of `updates`. */
  bytes: number;
  /** Records skipped because their checksum did not match. */
  corrupt: number;
}

export interface Storage {
  load(boardId: string): Promise<StoredBoard>;
  /** Resolves with the record's sequence number (increasing per board) once committed. */
  append(boardId: string, update: Uint8Array): Promise<number>;
  compact(boardId: string, state: Uint8Array, throughSeq: number): Promise<void>;
  /** Resolves once every append issued before the call is committed. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
