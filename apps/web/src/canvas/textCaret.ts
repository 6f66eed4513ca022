/** A Y.Text change as Yjs reports it (`event.delta`). */
export type TextDelta = readonly { insert?: unknown; delete?: number; retain?: number }[];

/**
 * Where a caret at `index` goes when someone else's change `delta` arrives. Text inserted
 * exactly at the caret goes after it: a remote person typing at the same spot does not push
 * the local caret along, so each person's typing stays in one piece.
 */
export function transformIndex(index: number, delta: TextDelta): number {
  let position = 0;
  let caret = index;
  for (const op of delta) {
    if (position > caret) break;
    if (op.retain !== undefined) {
      position += op.retain;
    } else if (op.insert !== undefined) {
      const length = typeof op.insert === 'string' ? op.insert.length : 1;
      if (position < caret) caret += length;
      position += length;
    } else if (op.delete !== undefined) {
      const removed = Math.min(op.delete, Math.max(0, caret - position));
      caret -= removed;
    }
  }
  return caret;
}
