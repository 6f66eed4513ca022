import { createHash } from 'node:crypto';
import * as Y from 'yjs';

/**
 * A hash of the document's state vector and delete set: two copies with the same version hold
 * the same board (a deletion does not advance the state vector, so it alone would not do).
 */
export function documentVersion(doc: Y.Doc): string {
  const snapshot = Y.encodeSnapshot(Y.snapshot(doc));
  return createHash('sha256').update(snapshot).digest('base64url').slice(0, 22);
}
