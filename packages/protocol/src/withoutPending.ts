/** What `withoutPending` sets aside: a Yjs document's store (`doc.store`). */
export interface PendingHolder {
  pendingStructs: unknown;
  pendingDs: unknown;
}

/** True when the store holds structs or deletions whose dependencies it lacks. */
export function holdsPending(store: PendingHolder): boolean {
  return store.pendingStructs !== null || store.pendingDs !== null;
}

/**
 * Runs `encode` (a `Y.encodeStateAsUpdate` of the document) with the structs and deletions the
 * document holds pending set aside, so the encoding carries only what it integrated.
 *
 * Yjs parks content whose dependencies it lacks and puts it in every `encodeStateAsUpdate`,
 * after a Skip where a client's clocks have a gap. Sent to a peer, that content cannot be
 * integrated there either: a server refuses it (`MISSING_DEPENDENCIES`, or `INVALID_UPDATE` for
 * the Skip), and a client that received it sends it back at every join. The content is not
 * lost by leaving it out: whoever made it holds it integrated and sends it.
 */
export function withoutPending<T>(store: PendingHolder, encode: () => T): T {
  if (!holdsPending(store)) return encode();
  const { pendingStructs, pendingDs } = store;
  store.pendingStructs = null;
  store.pendingDs = null;
  try {
    return encode();
  } finally {
    store.pendingStructs = pendingStructs;
    store.pendingDs = pendingDs;
  }
}
