import * as Y from 'yjs';
import { serverDoc } from '../serverDoc.js';

/**
 * One snapshot holding exactly the content of `updates` (stored records, in seq order). Applied
 * to a fresh document with garbage collection, so deleted content costs only its id ranges.
 * Content whose dependencies are missing stays in the result: `encodeStateAsUpdate` includes
 * a document's pending structs, so compaction never drops a record that arrived early.
 *
 * Where some client's content is stored with a gap before it (an append failed while later ones
 * of the same client committed and waits for its retry, or a record is damaged), Yjs encodes the
 * gap as a Skip struct. Loads read stored bytes through `skipFreeParts`, which splits such a
 * snapshot into updates without Skips, so the content after the gap stays pending until the gap
 * is stored, as it was in the records the snapshot replaced.
 */
export function buildSnapshot(updates: readonly Uint8Array[]): Uint8Array {
  const doc = serverDoc('snapshot');
  try {
    doc.transact(() => {
      for (const update of updates) Y.applyUpdate(doc, update);
    });
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}
