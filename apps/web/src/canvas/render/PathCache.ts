import { type PenShape, penPath } from '@drawbridge/board';

interface Entry {
  points: readonly number[];
  strokeWidth: number;
  path: Path2D;
}

/**
 * Freehand outlines are the costly part of a frame (perfect-freehand over every point), so
 * each stroke's Path2D is kept until its points or width change. The shape store keeps a
 * points array's identity while its content is unchanged, so identity is the check.
 */
export class PathCache {
  readonly #entries = new Map<string, Entry>();

  get(shape: PenShape): Path2D {
    const entry = this.#entries.get(shape.id);
    if (entry && entry.points === shape.points && entry.strokeWidth === shape.strokeWidth) {
      return entry.path;
    }
    const path = new Path2D(penPath(shape.points, shape.strokeWidth));
    this.#entries.set(shape.id, {
      points: shape.points,
      strokeWidth: shape.strokeWidth,
      path,
    });
    return path;
  }

  /** Drops entries of shapes that changed or went away. */
  invalidate(ids: Iterable<string>): void {
    for (const id of ids) this.#entries.delete(id);
  }
}
