/**
 * Carets in shared text as Yjs relative positions: they stay on the same character while
 * others type before it. Positions from peers are validated before Yjs reads them.
 */
import * as Y from 'yjs';

const uint = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

const id = (v: unknown): v is { client: number; clock: number } =>
  typeof v === 'object' &&
  v !== null &&
  uint((v as { client?: unknown }).client) &&
  uint((v as { clock?: unknown }).clock);

/** The caret at `index` of `text`, as JSON for awareness. */
export function encodeCaret(text: Y.Text, index: number): unknown {
  return Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, index, -1));
}

/** The index in `text` of a caret a peer published, or null when it is malformed or elsewhere. */
export function decodeCaret(text: Y.Text, json: unknown): number | null {
  if (typeof json !== 'object' || json === null || !text.doc) return null;
  const { item, type, tname, assoc } = json as Record<string, unknown>;
  if (tname !== undefined && tname !== null) return null;
  if (item !== undefined && item !== null && !id(item)) return null;
  if (type !== undefined && type !== null && !id(type)) return null;
  if (!item && !type) return null;
  if (assoc !== undefined && typeof assoc !== 'number') return null;
  try {
    const position = Y.createRelativePositionFromJSON(json);
    const absolute = Y.createAbsolutePositionFromRelativePosition(position, text.doc);
    return absolute && absolute.type === text ? absolute.index : null;
  } catch {
    return null;
  }
}
