import { generateKeyBetween } from 'fractional-indexing';
import * as Y from 'yjs';
import { isIndexKey } from './validate.js';

/** Highest paint index among shapes not in `exclude`. */
export function topIndex<T>(shapes: Y.Map<T>, exclude: readonly string[] = []): string | null {
  let top: string | null = null;
  for (const [id, map] of shapes) {
    if (exclude.includes(id) || !(map instanceof Y.Map)) continue;
    const index = map.get('index');
    if (isIndexKey(index) && (top === null || index > top)) top = index;
  }
  return safeKey(top);
}

/** Lowest paint index among shapes not in `exclude`. */
export function bottomIndex<T>(shapes: Y.Map<T>, exclude: readonly string[] = []): string | null {
  let bottom: string | null = null;
  for (const [id, map] of shapes) {
    if (exclude.includes(id) || !(map instanceof Y.Map)) continue;
    const index = map.get('index');
    if (isIndexKey(index) && (bottom === null || index < bottom)) bottom = index;
  }
  return safeKey(bottom);
}

/**
 * A remote peer may have written an index that passes our pattern but that fractional-indexing
 * refuses (e.g. a head that claims more digits than it has); treat it as absent.
 */
function safeKey(key: string | null): string | null {
  if (key === null) return null;
  try {
    generateKeyBetween(key, null);
    return key;
  } catch {
    return null;
  }
}
