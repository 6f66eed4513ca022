import type { Deadline } from '../flow/Deadline.js';

/** A join's answer from a board (`BoardRoom.sync`), as PROTOCOL.md §4.1 puts it on the wire. */
export interface SyncState {
  update: Uint8Array;
  stateVector: Uint8Array;
  awareness: Uint8Array;
  /** The board holds changes storage refused: the answer covers them, storage does not. */
  unstored?: true;
}

/** What a joiner accepts when storage does not back the answer (PROTOCOL.md §4.1). */
export interface SyncOptions {
  /** An answer while the board holds changes storage refused (`JoinRequest.acceptUnstored`). */
  acceptUnstored?: boolean;
  /** The joiner is on the board already (a resync): it has had every relay. */
  member?: boolean;
  /**
   * When waits on storage give up (`Limits.storageWaitMs`): a wait past it counts as failed, so
   * the answer says `unstored` or the join is refused, as when storage fails.
   */
  deadline?: Deadline;
}
