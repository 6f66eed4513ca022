import { type Bounds, type Shape, visualBounds } from '@drawbridge/board';
import RBush from 'rbush';

interface Entry {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  id: string;
}

/**
 * An R-tree of shapes' visual bounds, for viewport culling and hit testing on big boards.
 * Updated per changed id; entries are removed by reference, so the last entry of each id is
 * kept in a map.
 */
export class SpatialIndex {
  readonly #tree = new RBush<Entry>();
  readonly #entries = new Map<string, Entry>();

  /** Replaces the index with these shapes (bulk load is much faster than inserts). */
  load(shapes: Iterable<Shape>): void {
    this.#tree.clear();
    this.#entries.clear();
    const entries: Entry[] = [];
    for (const shape of shapes) {
      const entry = toEntry(shape);
      this.#entries.set(shape.id, entry);
      entries.push(entry);
    }
    this.#tree.load(entries);
  }

  /** Re-indexes one id: `shape` is its current value, or undefined when it was removed. */
  update(id: string, shape: Shape | undefined): void {
    const previous = this.#entries.get(id);
    if (previous) {
      this.#tree.remove(previous);
      this.#entries.delete(id);
    }
    if (shape) {
      const entry = toEntry(shape);
      this.#entries.set(id, entry);
      this.#tree.insert(entry);
    }
  }

  /** Ids of shapes whose visual bounds intersect `area` (unordered). */
  search(area: Bounds): string[] {
    return this.#tree
      .search({ minX: area.x, minY: area.y, maxX: area.x + area.w, maxY: area.y + area.h })
      .map((entry) => entry.id);
  }

  get size(): number {
    return this.#entries.size;
  }
}

function toEntry(shape: Shape): Entry {
  const b = visualBounds(shape);
  return { minX: b.x, minY: b.y, maxX: b.x + b.w, maxY: b.y + b.h, id: shape.id };
}
