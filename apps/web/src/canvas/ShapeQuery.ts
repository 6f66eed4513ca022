import {
  type Bounds,
  compareShapes,
  contains,
  hitTest,
  type Point,
  type Shape,
  shapeBounds,
} from '@drawbridge/board';
import type { ShapeStore } from '../model/ShapeStore.js';
import type { SpatialIndex } from './SpatialIndex.js';

/**
 * Spatial questions about the board as currently shown (the store, with gesture overrides
 * on top), answered through the R-tree so they stay cheap on big boards.
 */
export class ShapeQuery {
  readonly #store: ShapeStore;
  readonly #index: SpatialIndex;
  readonly #overrides: ReadonlyMap<string, Shape>;

  constructor(store: ShapeStore, index: SpatialIndex, overrides: ReadonlyMap<string, Shape>) {
    this.#store = store;
    this.#index = index;
    this.#overrides = overrides;
  }

  /** Shapes that may be visible in `area`, in paint order. */
  shapesIn(area: Bounds): Shape[] {
    const ids = this.#index.search(area);
    const overrides = this.#overrides;
    let list: Shape[];
    if (ids.length > this.#store.size / 4) {
      // Many visible (zoomed out): filter the cached paint order instead of sorting.
      const visible = new Set(ids);
      list = this.#store.all().filter((shape) => visible.has(shape.id));
      if (overrides.size === 0) return list;
    } else {
      list = [];
      for (const id of ids) {
        const shape = this.#store.get(id);
        if (shape) list.push(shape);
      }
    }
    if (overrides.size > 0) {
      const seen = new Set(list.map((shape) => shape.id));
      list = list.map((shape) => overrides.get(shape.id) ?? shape);
      for (const [id, shape] of overrides) if (!seen.has(id)) list.push(shape);
    }
    return list.sort(compareShapes);
  }

  /**
   * The topmost shape within `tolerance` board units of `p`. Locked shapes are passed over
   * (they cannot be selected) unless `locked` is set (the context menu, to unlock them).
   */
  hitTest(p: Point, tolerance: number, locked = false): string | null {
    const area = { x: p.x - tolerance, y: p.y - tolerance, w: tolerance * 2, h: tolerance * 2 };
    const candidates = this.shapesIn(area);
    for (let i = candidates.length - 1; i >= 0; i--) {
      const shape = candidates[i]!;
      if ((locked || !shape.locked) && hitTest(shape, p, tolerance)) return shape.id;
    }
    return null;
  }

  /** Ids of unlocked shapes lying entirely inside `box`. */
  shapesInside(box: Bounds): string[] {
    return this.#index.search(box).filter((id) => {
      const shape = this.#store.get(id);
      return shape !== undefined && !shape.locked && contains(box, shapeBounds(shape));
    });
  }
}
