import {
  anchorAt,
  type BoundEnd,
  elbowRoute,
  flatten,
  fromAbsolutePoints,
  type NewShape,
  type Point,
  resolveSegment,
  type SegmentShape,
  type Shape,
} from '@drawbridge/board';
import { snapAngle } from '../transform.js';
import type { PointerInput } from '../types.js';
import { DragCreateTool, type DragGeometry } from './DragCreateTool.js';

/** Screen pixels around a shape's outline where a dropped end still binds. */
export const BIND_TOLERANCE_PX = 6;

/**
 * Lines and arrows, dragged from start to end; Shift snaps the angle to 15 degrees. An end
 * pressed or dropped on a shape binds to it (the shape is highlighted meanwhile), unless Ctrl
 * or Cmd is held.
 */
export class LineTool extends DragCreateTool<'line' | 'arrow'> {
  #start: BoundEnd | null = null;
  #end: BoundEnd | null = null;

  override down(input: PointerInput): void {
    super.down(input);
    if (this.origin) this.#start = this.#bindAt(input, input);
  }

  protected geometry(origin: Point, input: PointerInput): DragGeometry {
    const end = input.shiftKey ? snapAngle(origin, input) : { x: input.x, y: input.y };
    const extent = Math.hypot(end.x - origin.x, end.y - origin.y);
    this.#end = this.#bindAt(end, input);
    this.editor.overlay.bindTarget = this.#end?.shape.id ?? null;
    const route = this.editor.state.style.route;
    const points = route === 'elbow' ? elbowRoute(origin, null, end, null) : [origin, end];
    const fields: Partial<SegmentShape> = fromAbsolutePoints(flatten(points), 2);
    const base = this.shapeId ? this.editor.getShape(this.shapeId) : undefined;
    if (base && (this.#start || this.#end)) {
      const resolved = resolveSegment(
        { ...base, ...fields } as SegmentShape,
        this.#start,
        this.#end,
      );
      const { x, y, w, h, points: resolvedPoints } = resolved;
      return { fields: { x, y, w, h, points: resolvedPoints }, extent };
    }
    return { fields, extent };
  }

  protected create(fields: Partial<Shape>): NewShape {
    const style = this.editor.state.style;
    const heads =
      this.id === 'arrow'
        ? { startHead: style.startHead, endHead: style.endHead }
        : { startHead: 'none' as const, endHead: 'none' as const };
    return {
      ...fields,
      type: this.id,
      stroke: style.stroke,
      fill: 'none',
      strokeWidth: style.strokeWidth,
      opacity: style.opacity,
      dash: style.dash,
      route: style.route,
      ...heads,
    } as NewShape;
  }

  protected override finish(): void {
    const id = this.shapeId!;
    const model = this.editor.model;
    for (const [terminal, bound] of [
      ['start', this.#start],
      ['end', this.#end],
    ] as const) {
      if (bound)
        model.bind({ arrowId: id, terminal, shapeId: bound.shape.id, anchor: bound.anchor });
    }
  }

  protected override reset(): void {
    super.reset();
    this.#start = null;
    this.#end = null;
    if (this.editor.overlay.bindTarget) {
      this.editor.overlay.bindTarget = null;
      this.editor.invalidate();
    }
  }

  #bindAt(p: Point, input: PointerInput): BoundEnd | null {
    if (input.ctrlKey) return null;
    const exclude = new Set(this.shapeId ? [this.shapeId] : []);
    const tolerance = BIND_TOLERANCE_PX / this.editor.camera.zoom;
    const shape = this.editor.binder.targetAt(p, tolerance, exclude);
    return shape ? { shape, anchor: anchorAt(shape, p) } : null;
  }
}
