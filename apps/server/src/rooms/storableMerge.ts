import { scanUpdate } from '@drawbridge/protocol';
import * as Y from 'yjs';

/**
 * Updates the document integrated, as records to store: merged into one when the merge is a
 * record every load accepts, else each as it is.
 *
 * A merge of updates that are not contiguous per client (some of the doc's changes between them
 * were stored on their own, or came from elsewhere) carries Skip structs, which `scanUpdate`
 * refuses: every load and catch-up would skip such a record, and with it content that was
 * acked once stored.
 */
export function storableMerge(updates: readonly Uint8Array[]): Uint8Array[] {
  if (updates.length <= 1) return [...updates];
  const merged = Y.mergeUpdates([...updates]);
  try {
    scanUpdate(merged);
    return [merged];
  } catch {
    return [...updates];
  }
}
