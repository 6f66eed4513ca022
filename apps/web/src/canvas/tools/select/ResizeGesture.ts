import { type Point, type Shape, snapPoint } from '@drawbridge/board';
import { type HandleId, handlePoint, type SelectionFrame, toFrame } from '../../handles.js';
import { scaleFromHandle, scaleInFrame, scaleShape } from '../../transform.js';
import type { PointerInput } from '../../types.js';
import type { ToolHost } from '../ToolHost.js';
import { type Gesture, SNAP_PX } from './Gesture.js';

/**
 * Resizes the selection by a handle of its frame, measured in the frame's upright box so a
 * turned shape resizes along its own sides. Shift (and text) keeps the aspect; images keep
 * theirs unless Shift is held (a stretched photo is rarely what was meant); the handle
 * snaps to other shapes' edges unless Alt is held (or the frame is turned).
 */
export class ResizeGesture implements Gesture {
  readonly #host: ToolHost;
  readonly #handle: HandleId;
  readonly #frame: SelectionFrame;
  /** Pointer minus the handle at the press, so grabbing a handle does not jump. */
  readonly #offset: Point;
  readonly #originals: Shape[];
  readonly #allText: boolean;
  readonly #allImages: boolean;
  readonly #targets: ReturnType<ToolHost['snapTargets']>;
  readonly cursor: string;

  constructor(
    host: ToolHost,
    handle: HandleId,
    frame: SelectionFrame,
    input: Point,
    cursor: string,
  ) {
    this.#host = host;
    this.#handle = handle;
    this.#frame = frame;
    this.cursor = cursor;
    host.beginGesture();
    host.model.detachArrows(host.selection);
    this.#originals = host.selectedShapes();
    this.#allText = this.#originals.every((s) => s.type === 'text');
    this.#allImages = this.#originals.every((s) => s.type === 'image');
    const corner = handlePoint(frame.box, handle);
    const q = toFrame(frame, input);
    this.#offset = { x: q.x - corner.x, y: q.y - corner.y };
    this.#targets = host.snapTargets(new Set(host.selection));
  }

  move(input: PointerInput): void {
    const host = this.#host;
    const frame = this.#frame;
    const q = toFrame(frame, input);
    let p = { x: q.x - this.#offset.x, y: q.y - this.#offset.y };
    const handle = this.#handle;
    if (!input.altKey && frame.rotation === 0) {
      const axes = { x: handle !== 'n' && handle !== 's', y: handle !== 'e' && handle !== 'w' };
      const snap = snapPoint(p, this.#targets, SNAP_PX / host.camera.zoom, axes);
      p = { x: p.x + snap.dx, y: p.y + snap.dy };
      host.overlay.guides = snap.guides;
    } else {
      host.overlay.guides = [];
    }
    const keepAspect = this.#allText || (this.#allImages ? !input.shiftKey : input.shiftKey);
    const t = scaleFromHandle(frame.box, handle, p, keepAspect);
    const single = this.#originals.length === 1 && frame.rotation !== 0;
    host.live.setMany(
      this.#originals.map((shape): [Shape, Partial<Shape>] => [
        shape,
        single ? scaleInFrame(shape, t, host.measure) : scaleShape(shape, t, host.measure),
      ]),
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
