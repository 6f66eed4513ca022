import type * as Y from 'yjs';

/** The update `change` makes to `doc`, run as one transaction. */
export function updateOf(doc: Y.Doc, change: () => void): Uint8Array {
  let update: Uint8Array | null = null;
  const capture = (u: Uint8Array) => {
    update = u;
  };
  doc.on('update', capture);
  try {
    doc.transact(change);
  } finally {
    doc.off('update', capture);
  }
  if (!update) throw new Error('the change made no update');
  return update;
}
