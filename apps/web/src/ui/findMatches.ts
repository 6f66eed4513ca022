import { type Shape, shapeBounds, shapeText } from '@drawbridge/board';

/** Shapes whose text or label contains `query` (any case), in reading order: top, then left. */
export function findMatches(shapes: readonly Shape[], query: string): Shape[] {
  const needle = query.trim().toLocaleLowerCase();
  if (!needle) return [];
  return shapes
    .filter((s) => shapeText(s).toLocaleLowerCase().includes(needle))
    .sort((a, b) => {
      const ba = shapeBounds(a);
      const bb = shapeBounds(b);
      return ba.y - bb.y || ba.x - bb.x;
    });
}
