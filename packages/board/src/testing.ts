/** Shape builders and doc plumbing for this package's tests. */
import * as Y from 'yjs';
import { BoardModel } from './BoardModel.js';
import type { NewShape, Shape } from './schema.js';
import { readShape } from './validate.js';

const STYLE = { stroke: '#1e1e1e', fill: 'none', strokeWidth: 2 } as const;

export const rect = (x: number, y: number, w = 100, h = 100, extra: object = {}): NewShape =>
  ({ type: 'rect', x, y, w, h, ...STYLE, ...extra }) as NewShape;

export const arrow = (x1: number, y1: number, x2: number, y2: number, extra: object = {}) =>
  ({
    type: 'arrow',
    x: Math.min(x1, x2),
    y: Math.min(y1, y2),
    w: Math.abs(x2 - x1),
    h: Math.abs(y2 - y1),
    points: [
      x1 - Math.min(x1, x2),
      y1 - Math.min(y1, y2),
      x2 - Math.min(x1, x2),
      y2 - Math.min(y1, y2),
    ],
    ...STYLE,
    ...extra,
  }) as NewShape;

/** A full, valid shape (defaults filled in) from a NewShape, for pure geometry tests. */
export function shape(input: NewShape, id = 's1'): Shape {
  const read = readShape({ ...input, id, index: 'a0' });
  if (!read) throw new Error(`invalid test shape ${JSON.stringify(input)}`);
  return read;
}

/** Two peers whose docs exchange every update synchronously. */
export function pair(options: { captureTimeout?: number } = {}) {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on(
    'update',
    (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(b, u, 'remote'),
  );
  b.on(
    'update',
    (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(a, u, 'remote'),
  );
  return { a: new BoardModel(a, options), b: new BoardModel(b, options) };
}

/** Two peers that edit apart, then merge (like an offline period). */
export function mergeDocs(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

/** A peer that starts from a copy of `model`'s doc (then edits apart until merged). */
export function fork(model: BoardModel): BoardModel {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(model.doc));
  return new BoardModel(doc);
}

/** Yjs's own convergence check: same state vectors, delete sets and content. */
export function expectSameDocs(a: Y.Doc, b: Y.Doc): boolean {
  const same = (x: Uint8Array, y: Uint8Array) =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    same(Y.encodeStateVector(a), Y.encodeStateVector(b)) &&
    Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b)) &&
    a.store.pendingStructs === null &&
    b.store.pendingStructs === null &&
    stable(a.toJSON()) === stable(b.toJSON())
  );
}

/** JSON with object keys sorted: map iteration order differs between peers. */
const stable = (value: unknown): string =>
  JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)))
      : v,
  );
