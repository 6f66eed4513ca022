import { angleTo, centerOf, type Point, type Shape, snapRotation } from '@drawbridge/board';
import type { SelectionFrame } from '../../handles.js';
import { rotateShape } from '../../transform.js';
import type { PointerInput } from '../../types.js';
import type { ToolHost } from '../ToolHost.js';
import type { Gesture } from './Gesture.js';

/** Turns the selection about its frame's centre; Shift snaps to 15 degrees. */
export class RotateGesture implements Gesture {
  readonly cursor = 'grabbing';
  readonly #host: ToolHost;
  readonly #center: Point;
  readonly #startAngle: number;
  readonly #originals: Shape[];

  constructor(host: ToolHost, frame: SelectionFrame, input: Point) {
    this.#host = host;
    this.#center = centerOf(frame.padded);
    this.#startAngle = angleTo(this.#center, input);
    host.beginGesture();
    host.model.detachArrows(host.selection);
    this.#originals = host.selectedShapes();
  }

  move(input: PointerInput): void {
    let delta = angleTo(this.#center, input) - this.#startAngle;
    const only = this.#originals.length === 1 ? this.#originals[0] : undefined;
    if (input.shiftKey) {
      // One shape snaps its own angle; several snap the turn they make together.
      delta = only ? snapRotation(only.rotation + delta) - only.rotation : snapRotation(delta);
    }
    this.#host.live.setMany(
      this.#originals.map((shape): [Shape, Partial<Shape>] => [
        shape,
        rotateShape(shape, this.#center, delta),
      ]),
    );
  }

  end(input: PointerInput): void {
    this.move(input);
    this.#host.endGesture();
  }

  cancel(): void {
    this.#host.endGesture();
  }
}
