/**
 * Restoring a version as a new change: the board is edited, in place, until its content equals
 * the version's. Nothing is rewound, so history stays linear, every peer receives the restore
 * as an ordinary update, and when it runs in one local transaction the restorer's undo manager
 * holds it as one step (undo reverts the restore). Ids are kept: a shape deleted since comes
 * back as itself, so arrows bound to it reconnect.
 */
import * as Y from 'yjs';
import { ROOT_BINDINGS, ROOT_META, ROOT_SHAPES } from './schema.js';
import { isTextField, writeText } from './text.js';

export interface RestoreSummary {
  added: number;
  removed: number;
  changed: number;
}

const plain = (value: unknown): unknown =>
  value instanceof Y.AbstractType ? (value.toJSON() as unknown) : value;

/** Equal as stored JSON: numbers, strings, arrays of numbers, small records. */
const same = (a: unknown, b: unknown): boolean =>
  a === b || JSON.stringify(plain(a)) === JSON.stringify(plain(b));

/** A copy of a stored value for another document (a Y type cannot be in two documents). */
function copyValue(key: string, value: unknown): unknown {
  if (value instanceof Y.Text)
    return isTextField(key) ? new Y.Text(value.toString()) : value.toString();
  if (value instanceof Y.AbstractType) return value.toJSON();
  return value;
}

function copyShape(source: Y.Map<unknown>): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [key, value] of source) map.set(key, copyValue(key, value));
  return map;
}

/** Writes `source`'s fields into `target`, touching only those that differ. */
function patchShape(target: Y.Map<unknown>, source: Y.Map<unknown>): boolean {
  let changed = false;
  for (const key of [...target.keys()]) {
    if (!source.has(key)) {
      target.delete(key);
      changed = true;
    }
  }
  for (const [key, value] of source) {
    const current = target.get(key);
    if (same(current, value)) continue;
    changed = true;
    if (isTextField(key) && (value instanceof Y.Text || typeof value === 'string')) {
      writeText(target, key, String(plain(value)));
    } else {
      target.set(key, copyValue(key, value));
    }
  }
  return changed;
}

/** Makes a flat map (meta, bindings) equal to the source's. */
function patchFlat(target: Y.Map<unknown>, source: Y.Map<unknown>): void {
  for (const key of [...target.keys()]) if (!source.has(key)) target.delete(key);
  for (const [key, value] of source) {
    if (!same(target.get(key), value)) target.set(key, copyValue(key, value));
  }
}

/**
 * Edits `target` until its board equals `source`'s. Call inside a transaction of `target`
 * (one undo step); `source` is only read.
 */
export function restoreBoard(target: Y.Doc, source: Y.Doc): RestoreSummary {
  const summary: RestoreSummary = { added: 0, removed: 0, changed: 0 };
  const shapes = target.getMap<unknown>(ROOT_SHAPES);
  const wanted = source.getMap<unknown>(ROOT_SHAPES);
  for (const id of [...shapes.keys()]) {
    if (!(wanted.get(id) instanceof Y.Map)) {
      shapes.delete(id);
      summary.removed++;
    }
  }
  for (const [id, value] of wanted) {
    if (!(value instanceof Y.Map)) continue;
    const current = shapes.get(id);
    if (current instanceof Y.Map) {
      if (patchShape(current, value)) summary.changed++;
    } else {
      shapes.set(id, copyShape(value));
      summary.added++;
    }
  }
  patchFlat(target.getMap(ROOT_BINDINGS), source.getMap(ROOT_BINDINGS));
  patchFlat(target.getMap(ROOT_META), source.getMap(ROOT_META));
  return summary;
}
