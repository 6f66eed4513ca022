import {
  applyBindings,
  type BoardModel,
  type BoundEnd,
  isBindable,
  isBindTarget,
  isSegment,
  outlineContains,
  type Point,
  resolveSegment,
  type SegmentShape,
  type Shape,
  type Terminal,
} from '@drawbridge/board';

export interface BinderHost {
  readonly model: BoardModel;
  /** A shape as shown now (gesture values included). */
  getShape(id: string): Shape | undefined;
  shapesIn(area: { x: number; y: number; w: number; h: number }): Shape[];
}

/**
 * Arrow ends and the shapes they attach to, as the editor shows them during gestures: which
 * shape a dragged end would bind to, and where bound arrows are while their shapes move.
 */
export class ArrowBinder {
  readonly #host: BinderHost;

  constructor(host: BinderHost) {
    this.#host = host;
  }

  /** The topmost shape a dropped end at `p` binds to (within `tolerance` board units). */
  targetAt(p: Point, tolerance: number, exclude: ReadonlySet<string>): Shape | null {
    const area = { x: p.x - tolerance, y: p.y - tolerance, w: tolerance * 2, h: tolerance * 2 };
    const candidates = this.#host.shapesIn(area);
    for (let i = candidates.length - 1; i >= 0; i--) {
      const shape = candidates[i]!;
      if (exclude.has(shape.id) || !isBindable(shape)) continue;
      if (outlineContains(shape, p, tolerance)) return shape;
    }
    return null;
  }

  /** An end's current binding with its shape as shown, or null when it is free. */
  boundEnd(arrowId: string, terminal: Terminal): BoundEnd | null {
    const binding = this.#host.model.bindingOf(arrowId, terminal);
    if (!binding) return null;
    const shape = this.#host.getShape(binding.shapeId);
    return shape && isBindTarget(shape) ? { anchor: binding.anchor, shape } : null;
  }

  /**
   * `segment` (its stored geometry) with its ends bound as given: a BoundEnd, null for free,
   * or left out for "as bound now".
   */
  resolve(
    segment: SegmentShape,
    ends: { start?: BoundEnd | null; end?: BoundEnd | null } = {},
  ): SegmentShape {
    const start = ends.start !== undefined ? ends.start : this.boundEnd(segment.id, 'start');
    const end = ends.end !== undefined ? ends.end : this.boundEnd(segment.id, 'end');
    return resolveSegment(segment, start, end);
  }

  /** Arrows bound to the edited shapes, where they show while those are edited. */
  follow(overrides: ReadonlyMap<string, Shape>): Map<string, Shape> {
    const { model } = this.#host;
    const derived = new Map<string, Shape>();
    const target = (id: string) => overrides.get(id) ?? model.getStoredShape(id);
    for (const id of overrides.keys()) {
      for (const arrowId of model.arrowsBoundTo(id)) {
        if (derived.has(arrowId)) continue;
        const base = overrides.get(arrowId) ?? model.getStoredShape(arrowId);
        if (!base || !isSegment(base)) continue;
        derived.set(
          arrowId,
          applyBindings(base, (key) => model.bindingMap.get(key), target),
        );
      }
    }
    return derived;
  }
}
