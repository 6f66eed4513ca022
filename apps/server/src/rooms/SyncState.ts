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
}
