/**
 * Read-only views of a board's Y.Doc, for code that must not attach anything to the doc (the
 * server renders previews from the live document it syncs).
 */
import * as Y from 'yjs';
import { compareShapes } from './order.js';
import { ROOT_META, ROOT_SHAPES, type Shape } from './schema.js';
import { readName, readShape } from './validate.js';

/** Every valid shape of the doc in paint order; malformed shapes are skipped. */
export function readShapes(doc: Y.Doc): Shape[] {
  const list: Shape[] = [];
  for (const [id, map] of doc.getMap<unknown>(ROOT_SHAPES)) {
    if (!(map instanceof Y.Map)) continue;
    const shape = readShape({ ...map.toJSON(), id });
    if (shape) list.push(shape);
  }
  return list.sort(compareShapes);
}

export function readBoardName(doc: Y.Doc): string {
  return readName(doc.getMap<unknown>(ROOT_META).get('name'));
}
