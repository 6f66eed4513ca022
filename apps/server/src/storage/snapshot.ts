import { scanUpdate } from '@drawbridge/protocol';
import * as Y from 'yjs';
import { serverDoc } from '../serverDoc.js';

/**
 * One snapshot holding exactly the content of `updates` (stored records, in seq order). Applied
 * to a fresh document with garbage collection, so deleted content costs only its id ranges.
 * Content whose dependencies are missing stays in the result: `encodeStateAsUpdate` includes
 * a document's pending structs, so compaction never drops a record that arrived early.
 *
 * Null when no snapshot can hold them yet: some client's content is stored with a gap before it
 * (an append failed while later ones of the same client committed, and waits for its retry).
 * Yjs would encode the gap as a Skip struct, which every load refuses (`scanUpdate`, as for any
 * record), so the snapshot, and every record it replaced, would be lost to every later load.
 * The compaction waits until the gap is stored.
 */
export function buildSnapshot(updates: readonly Uint8Array[]): Uint8Array | null {
  const doc = serverDoc('snapshot');
  try {
    doc.transact(() => {
      for (const update of updates) Y.applyUpdate(doc, update);
    });
    const snapshot = Y.encodeStateAsUpdate(doc);
    // Only pending structs can leave a gap; without them, skip the check's decode.
    if (doc.store.pendingStructs === null && doc.store.pendingDs === null) return snapshot;
    try {
      scanUpdate(snapshot);
    } catch {
      return null;
    }
    return snapshot;
  } finally {
    doc.destroy();
  }
}
