import { withoutPending } from '@drawbridge/protocol';
import * as Y from 'yjs';

/**
 * The document's state (what a holder of `stateVector` lacks), without what it holds pending:
 * a peer could not integrate that either, and a client would send it back at every join.
 */
export function encodeIntegrated(doc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
  return withoutPending(doc.store, () => Y.encodeStateAsUpdate(doc, stateVector));
}
