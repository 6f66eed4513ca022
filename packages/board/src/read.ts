/**
 * Read-only views of a board's Y.Doc, for code that must not attach anything to the doc (the
 * server renders previews from the live document it syncs). Lines and arrows come back with
 * their bound ends resolved, so everything that draws reads the same geometry.
 */
import * as Y from 'yjs';
import {
  type Binding,
  type BoundEnd,
  bindingKey,
  isBindTarget,
  readBinding,
  resolveSegment,
} from './bindings.js';
import { compareShapes } from './order.js';
import { isSegment, ROOT_BINDINGS, ROOT_META, ROOT_SHAPES, type Shape } from './schema.js';
import { readName, readShape } from './validate.js';

/** One shape as stored, validated, bindings not applied. */
export function readStoredShape<T>(shapes: Y.Map<T>, id: string): Shape | null {
  const map = shapes.get(id);
  if (!(map instanceof Y.Map)) return null;
  return readShape({ ...map.toJSON(), id });
}

/**
 * The shape with its bindings applied: a line's or arrow's bound ends follow their shapes.
 * `binding(key)` reads a stored binding; `target(id)` a shape as stored. A binding that is
 * malformed, or whose shape is gone or cannot take arrows, is ignored: the stored end shows.
 */
export function applyBindings(
  shape: Shape,
  binding: (key: string) => unknown,
  target: (id: string) => Shape | null,
): Shape {
  if (!isSegment(shape)) return shape;
  const end = (terminal: 'start' | 'end'): BoundEnd | null => {
    const key = bindingKey(shape.id, terminal);
    const b = readBinding(key, binding(key));
    if (!b) return null;
    const bound = target(b.shapeId);
    return bound && isBindTarget(bound) ? { anchor: b.anchor, shape: bound } : null;
  };
  return resolveSegment(shape, end('start'), end('end'));
}

/** Every valid shape of the doc in paint order; malformed shapes are skipped. */
export function readShapes(doc: Y.Doc): Shape[] {
  const stored = new Map<string, Shape>();
  for (const [id, map] of doc.getMap<unknown>(ROOT_SHAPES)) {
    if (!(map instanceof Y.Map)) continue;
    const shape = readShape({ ...map.toJSON(), id });
    if (shape) stored.set(id, shape);
  }
  const bindings = doc.getMap<unknown>(ROOT_BINDINGS);
  const list: Shape[] = [];
  for (const shape of stored.values()) {
    list.push(
      applyBindings(
        shape,
        (key) => bindings.get(key),
        (id) => stored.get(id) ?? null,
      ),
    );
  }
  return list.sort(compareShapes);
}

export function readBoardName(doc: Y.Doc): string {
  return readName(doc.getMap<unknown>(ROOT_META).get('name'));
}

/** Every valid binding of the doc, by key order (what board files carry). */
export function readBindings(doc: Y.Doc): Binding[] {
  const list: Binding[] = [];
  for (const [key, value] of doc.getMap<unknown>(ROOT_BINDINGS)) {
    const binding = readBinding(key, value);
    if (binding) list.push(binding);
  }
  return list.sort((a, b) => (a.arrowId + a.terminal < b.arrowId + b.terminal ? -1 : 1));
}
