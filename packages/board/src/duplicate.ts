import type { BoardModel } from './BoardModel.js';
import { TERMINALS } from './bindings.js';
import { remapGroups } from './groups.js';
import { newShapeId } from './ids.js';
import { compareShapes } from './order.js';
import type { NewShape, Shape } from './schema.js';

/**
 * Copies of shapes, offset, on top, in paint order: groups copied become new groups, and
 * bindings between copied shapes are copied too (an arrow copied without its shape is left
 * where it shows, unbound). Returns the new ids in the order of `ids`' shapes.
 */
export function duplicateShapes(
  model: BoardModel,
  ids: readonly string[],
  offset: number,
): string[] {
  const shapes = ids.map((id) => model.getShape(id)).filter((s): s is Shape => s !== null);
  shapes.sort(compareShapes);
  const copies = remapGroups(
    shapes.map(({ id: _id, index: _index, ...rest }) => ({
      ...rest,
      x: rest.x + offset,
      y: rest.y + offset,
    })),
    newShapeId,
  ) as NewShape[];
  return model.transact(() => {
    const added = model.addShapes(copies);
    const map = new Map(shapes.map((shape, i) => [shape.id, added[i]!]));
    for (const [original, copy] of map) {
      for (const terminal of TERMINALS) {
        const b = model.bindingOf(original, terminal);
        const target = b && map.get(b.shapeId);
        if (b && target) model.bind({ ...b, arrowId: copy, shapeId: target });
      }
    }
    return added;
  }, []);
}
