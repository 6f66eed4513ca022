import {
  isSegment,
  type Point,
  round2,
  type Shape,
  shapesOutline,
  snapBox,
} from '@drawbridge/board';
import type { PointerInput } from '../../types.js';
import type { ToolHost } from '../ToolHost.js';
import { type Gesture, SNAP_PX } from './Gesture.js';

/**
 * Moves the selection with the pointer, snapping its box to other shapes' edges and centres
 * (Alt turns snapping off). Arrows moved without the shapes they are bound to come loose.
 */
export class MoveGesture implements Gesture {
  readonly cursor = 'move';
  readonly #host: ToolHost;
  readonly #start: Point;
  readonly #originals: Shape[];
  readonly #targets: ReturnType<ToolHost['snapTargets']>;

  constructor(host: ToolHost, start: Point) {
    this.#host = host;
    this.#start = start;
    host.beginGesture();
    host.setHover(null);
    host.model.detachArrows(host.selection);
    this.#originals = host.selectedShapes();
    this.#targets = host.snapTargets(new Set(host.selection));
  }

  move(input: PointerInput): void {
    const host = this.#host;
    let dx = input.x - this.#start.x;
    let dy = input.y - this.#start.y;
    const box = shapesOutline(this.#originals);
    if (box && !input.altKey) {
      const moved = { ...box, x: box.x + dx, y: box.y + dy };
      const snap = snapBox(moved, this.#targets, SNAP_PX / host.camera.zoom);
      dx += snap.dx;
      dy += snap.dy;
      host.overlay.guides = snap.guides;
    } else {
      host.overlay.guides = [];
    }
    host.live.setMany(
      this.#originals.map((shape): [Shape, Partial<Shape>] => {
        const at = { x: round2(shape.x + dx), y: round2(shape.y + dy) };
        // A bound arrow shows resolved points: write those, so the record moves as shown.
        return [
          shape,
          isSegment(shape) ? { ...at, w: shape.w, h: shape.h, points: shape.points } : at,
        ];
      }),
    );
  }

  end(input: PointerInput): void {
    this.move(input);
    this.cancel();
  }

  cancel(): void {
    this.#host.overlay.guides = [];
    this.#host.endGesture();
  }
}
