import {
  anchorAt,
  type BoundEnd,
  bendThrough,
  type SegmentShape,
  segmentEnds,
  type Terminal,
} from '@drawbridge/board';
import { segmentFields, snapAngle } from '../../transform.js';
import type { PointerInput } from '../../types.js';
import { BIND_TOLERANCE_PX } from '../LineTool.js';
import type { ToolHost } from '../ToolHost.js';
import type { Gesture } from './Gesture.js';

/**
 * Drags one end of a line or arrow: it comes loose from its shape, and binds to the shape it
 * is dropped on (highlighted meanwhile) unless Ctrl or Cmd is held. Shift snaps the angle.
 */
export class EndpointGesture implements Gesture {
  readonly cursor = 'crosshair';
  readonly #host: ToolHost;
  readonly #which: Terminal;
  readonly #base: SegmentShape;
  #target: BoundEnd | null = null;

  constructor(host: ToolHost, arrow: SegmentShape, which: Terminal) {
    this.#host = host;
    this.#which = which;
    host.beginGesture();
    host.model.unbind(arrow.id, which);
    this.#base = (host.getShape(arrow.id) as SegmentShape | undefined) ?? arrow;
  }

  move(input: PointerInput): void {
    const host = this.#host;
    const base = this.#base;
    const [start, end] = segmentEnds(base);
    const fixed = this.#which === 'start' ? end : start;
    const moved = input.shiftKey ? snapAngle(fixed, input) : { x: input.x, y: input.y };
    const shape = input.ctrlKey
      ? null
      : host.binder.targetAt(moved, BIND_TOLERANCE_PX / host.camera.zoom, new Set([base.id]));
    this.#target = shape ? { shape, anchor: anchorAt(shape, moved) } : null;
    host.overlay.bindTarget = shape?.id ?? null;
    const raw =
      this.#which === 'start'
        ? segmentFields(base, moved, fixed)
        : segmentFields(base, fixed, moved);
    const resolved = host.binder.resolve({ ...base, ...raw } as SegmentShape, {
      [this.#which]: this.#target,
    });
    const { x, y, w, h, points } = resolved;
    host.live.set(base, { x, y, w, h, points });
  }

  end(input: PointerInput): void {
    this.move(input);
    const target = this.#target;
    if (target) {
      this.#host.model.bind({
        arrowId: this.#base.id,
        terminal: this.#which,
        shapeId: target.shape.id,
        anchor: target.anchor,
      });
    }
    this.cancel();
  }

  cancel(): void {
    this.#host.overlay.bindTarget = null;
    this.#host.endGesture();
  }
}

/** Drags the middle of a line or arrow: it curves through the pointer. */
export class BendGesture implements Gesture {
  readonly cursor = 'move';
  readonly #host: ToolHost;
  readonly #base: SegmentShape;

  constructor(host: ToolHost, arrow: SegmentShape) {
    this.#host = host;
    this.#base = arrow;
    host.beginGesture();
  }

  move(input: PointerInput): void {
    const base = this.#base;
    const [start, end] = segmentEnds(base);
    const bend = Math.round(bendThrough(start, end, input) * 100) / 100;
    const route = Math.abs(bend) < 1 ? 'straight' : 'curved';
    // Bound ends leave towards the new curve: resolve them with the new bend.
    const { x, y, w, h, points } = this.#host.binder.resolve({ ...base, bend, route });
    this.#host.live.set(base, { bend, route, x, y, w, h, points });
  }

  end(input: PointerInput): void {
    this.move(input);
    this.#host.endGesture();
  }

  cancel(): void {
    this.#host.endGesture();
  }
}
