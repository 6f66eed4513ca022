import type { Point } from '@drawbridge/board';
import type { Editor } from './Editor.js';
import type { PointerInput } from './types.js';

type Gesture =
  | { kind: 'pan'; last: Point }
  | { kind: 'pinch'; distance: number; center: Point }
  /** A pinch ended with one finger still down: it must not start drawing. */
  | { kind: 'idle' };

/** Wheel deltas in lines or pages become pixels. */
const DELTA_SCALE = [1, 16, 800] as const;

export const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable ||
    target.tagName === 'INPUT' ||
    target.tagName === 'TEXTAREA' ||
    target.tagName === 'SELECT');

/**
 * Turns DOM input on the canvas into editor input: pointer events (mouse, touch, pen) to
 * board-space tool input, and the view gestures the tools never see: wheel pan and zoom,
 * pinch, middle-button and space-drag panning.
 */
export class CanvasController {
  readonly #canvas: HTMLCanvasElement;
  readonly #editor: Editor;
  readonly #pointers = new Map<number, Point>();
  #gesture: Gesture | null = null;
  /** The pointer driving the current tool, if any. */
  #toolPointer: number | null = null;
  #spaceHeld = false;
  readonly #abort = new AbortController();

  readonly #onMenu: ((screen: Point, board: Point) => void) | undefined;

  /** `onMenu`: a right-click (or long press) asks for the context menu at that point. */
  constructor(
    canvas: HTMLCanvasElement,
    editor: Editor,
    onMenu?: (screen: Point, board: Point) => void,
  ) {
    this.#canvas = canvas;
    this.#editor = editor;
    this.#onMenu = onMenu;
    const signal = this.#abort.signal;
    canvas.addEventListener('pointerdown', this.#onDown, { signal });
    canvas.addEventListener('pointermove', this.#onMove, { signal });
    canvas.addEventListener('pointerup', this.#onUp, { signal });
    canvas.addEventListener('pointercancel', this.#onCancel, { signal });
    canvas.addEventListener('pointerleave', this.#onLeave, { signal });
    canvas.addEventListener('dblclick', this.#onDoubleClick, { signal });
    canvas.addEventListener('wheel', this.#onWheel, { signal, passive: false });
    canvas.addEventListener('contextmenu', this.#onContextMenu, { signal });
    window.addEventListener('keydown', this.#onKey, { signal });
    window.addEventListener('keyup', this.#onKey, { signal });
    window.addEventListener('blur', () => this.#setSpace(false), { signal });
    // Pinch or ctrl+wheel over a panel would zoom the whole page, panels and all.
    window.addEventListener(
      'wheel',
      (e) => {
        if (e.ctrlKey || e.metaKey) e.preventDefault();
      },
      { signal, passive: false },
    );
  }

  destroy(): void {
    this.#abort.abort();
  }

  #screenPoint(e: { clientX: number; clientY: number }): Point {
    const rect = this.#canvas.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  }

  #input(e: PointerEvent): PointerInput {
    const p = this.#editor.camera.screenToBoard(this.#screenPoint(e));
    const pressure = e.pointerType === 'pen' && e.pressure > 0 ? e.pressure : 0.5;
    return {
      x: p.x,
      y: p.y,
      pressure,
      shiftKey: e.shiftKey,
      altKey: e.altKey,
      ctrlKey: e.ctrlKey || e.metaKey,
      button: e.button,
    };
  }

  readonly #onContextMenu = (e: MouseEvent) => {
    e.preventDefault();
    if (!this.#onMenu || this.#editor.state.editing) return;
    this.#editor.cancelGesture();
    const screen = this.#screenPoint(e);
    this.#onMenu(screen, this.#editor.camera.screenToBoard(screen));
  };

  readonly #onDown = (e: PointerEvent) => {
    // Take focus from inputs (board name, etc.) so shortcuts work after a click on the board.
    if (document.activeElement instanceof HTMLElement && isTyping(document.activeElement)) {
      if (!this.#editor.state.editing) document.activeElement.blur();
    }
    this.#canvas.setPointerCapture(e.pointerId);
    const point = this.#screenPoint(e);
    this.#pointers.set(e.pointerId, point);
    if (this.#pointers.size === 2) {
      // A second finger: whatever the first one started becomes a pinch.
      if (this.#toolPointer !== null) this.#editor.cancelGesture();
      this.#toolPointer = null;
      const [a, b] = [...this.#pointers.values()] as [Point, Point];
      this.#gesture = { kind: 'pinch', distance: distance(a, b), center: midpoint(a, b) };
      return;
    }
    if (this.#pointers.size > 2 || this.#gesture) return;
    if (e.button === 1 || (e.button === 0 && this.#spaceHeld)) {
      e.preventDefault();
      this.#gesture = { kind: 'pan', last: point };
      this.#updateCursor();
      return;
    }
    if (e.button !== 0) return;
    this.#toolPointer = e.pointerId;
    this.#editor.pointerDown(this.#input(e));
    this.#updateCursor();
  };

  readonly #onMove = (e: PointerEvent) => {
    const point = this.#screenPoint(e);
    if (this.#pointers.has(e.pointerId)) this.#pointers.set(e.pointerId, point);
    const gesture = this.#gesture;
    if (gesture?.kind === 'pan') {
      this.#editor.camera.panBy(point.x - gesture.last.x, point.y - gesture.last.y);
      gesture.last = point;
      return;
    }
    if (gesture?.kind === 'pinch') {
      this.#pinch(gesture);
      return;
    }
    if (gesture) return;
    if (this.#toolPointer === e.pointerId) {
      // Pens and fast mice deliver more points than frames; a stroke wants all of them.
      const events = e.getCoalescedEvents?.() ?? [];
      for (const event of events.length > 0 ? events : [e]) {
        this.#editor.pointerMove(this.#input(event));
      }
    } else if (this.#toolPointer === null && e.pointerType !== 'touch') {
      this.#editor.pointerMove(this.#input(e));
    }
    this.#updateCursor();
  };

  readonly #onUp = (e: PointerEvent) => {
    this.#pointers.delete(e.pointerId);
    if (this.#toolPointer === e.pointerId) {
      this.#toolPointer = null;
      this.#editor.pointerUp(this.#input(e));
    }
    this.#endGesture();
  };

  readonly #onCancel = (e: PointerEvent) => {
    this.#pointers.delete(e.pointerId);
    if (this.#toolPointer === e.pointerId) {
      this.#toolPointer = null;
      this.#editor.cancelGesture();
    }
    this.#endGesture();
  };

  readonly #onLeave = (e: PointerEvent) => {
    if (!this.#pointers.has(e.pointerId)) this.#editor.pointerLeave();
  };

  readonly #onDoubleClick = (e: MouseEvent) => {
    this.#editor.doubleClick(this.#editor.camera.screenToBoard(this.#screenPoint(e)));
  };

  readonly #onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const scale = DELTA_SCALE[e.deltaMode] ?? 1;
    const camera = this.#editor.camera;
    if (e.ctrlKey || e.metaKey) {
      // Trackpad pinches arrive as ctrl+wheel with small deltas; mouse wheels with big ones.
      const delta = Math.max(-50, Math.min(50, e.deltaY * scale));
      camera.zoomAt(camera.zoom * Math.exp(-delta * 0.01), this.#screenPoint(e));
      return;
    }
    let dx = e.deltaX * scale;
    let dy = e.deltaY * scale;
    if (e.shiftKey && dx === 0) [dx, dy] = [dy, 0];
    camera.panBy(-dx, -dy);
  };

  readonly #onKey = (e: KeyboardEvent) => {
    if (e.code !== 'Space' || isTyping(e.target)) return;
    if (e.type === 'keydown') e.preventDefault();
    this.#setSpace(e.type === 'keydown');
  };

  #setSpace(held: boolean): void {
    if (this.#spaceHeld === held) return;
    this.#spaceHeld = held;
    this.#updateCursor();
  }

  #pinch(gesture: Extract<Gesture, { kind: 'pinch' }>): void {
    const [a, b] = [...this.#pointers.values()];
    if (!a || !b) return;
    const camera = this.#editor.camera;
    const center = midpoint(a, b);
    const d = distance(a, b);
    camera.panBy(center.x - gesture.center.x, center.y - gesture.center.y);
    if (gesture.distance > 0) camera.zoomAt((camera.zoom * d) / gesture.distance, center);
    gesture.center = center;
    gesture.distance = d;
  }

  #endGesture(): void {
    if (!this.#gesture) return;
    if (this.#pointers.size === 0) this.#gesture = null;
    else if (this.#gesture.kind === 'pinch') this.#gesture = { kind: 'idle' };
    this.#updateCursor();
  }

  #updateCursor(): void {
    const panning = this.#gesture?.kind === 'pan';
    const cursor = panning ? 'grabbing' : this.#spaceHeld ? 'grab' : this.#editor.tool.cursor;
    if (this.#canvas.style.cursor !== cursor) this.#canvas.style.cursor = cursor;
  }
}

const distance = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);
const midpoint = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
