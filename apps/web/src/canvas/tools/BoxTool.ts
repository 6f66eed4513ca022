import { boundsFromCorners, type Point } from '@drawbridge/board';
import type { Editor } from '../Editor.js';
import type { PointerInput } from '../types.js';
import type { Tool } from './Tool.js';

/** Screen pixels a drag must cover before it creates a shape (a click creates nothing). */
export const CREATE_THRESHOLD_PX = 3;

const round = (n: number): number => Math.round(n * 100) / 100;

/** Rectangles and ellipses, dragged from corner to corner; Shift makes them square. */
export class BoxTool implements Tool {
  readonly id: 'rect' | 'ellipse';
  readonly cursor = 'crosshair';
  readonly #editor: Editor;
  #origin: Point | null = null;
  #shapeId: string | null = null;

  constructor(id: 'rect' | 'ellipse', editor: Editor) {
    this.id = id;
    this.#editor = editor;
  }

  down(input: PointerInput): void {
    if (input.button !== 0) return;
    this.#origin = { x: input.x, y: input.y };
    this.#editor.beginGesture();
  }

  move(input: PointerInput): void {
    const origin = this.#origin;
    if (!origin) return;
    const editor = this.#editor;
    let end: Point = input;
    if (input.shiftKey) {
      const size = Math.max(Math.abs(input.x - origin.x), Math.abs(input.y - origin.y));
      end = {
        x: origin.x + size * Math.sign(input.x - origin.x || 1),
        y: origin.y + size * Math.sign(input.y - origin.y || 1),
      };
    }
    const b = boundsFromCorners(origin, end);
    const box = { x: round(b.x), y: round(b.y), w: round(b.w), h: round(b.h) };
    if (!this.#shapeId) {
      if (Math.max(box.w, box.h) * editor.camera.zoom < CREATE_THRESHOLD_PX) return;
      const { stroke, fill, strokeWidth } = editor.state.style;
      this.#shapeId = editor.model.addShape({ type: this.id, ...box, stroke, fill, strokeWidth });
      return;
    }
    const base = editor.store.get(this.#shapeId);
    if (base) editor.live.set(base, box);
  }

  up(input: PointerInput): void {
    if (!this.#origin) return;
    this.move(input);
    const id = this.#shapeId;
    this.#reset();
    this.#editor.endGesture();
    if (id) this.#editor.finishCreation([id]);
  }

  cancel(): void {
    if (this.#origin) this.#editor.endGesture();
    this.#reset();
  }

  #reset(): void {
    this.#origin = null;
    this.#shapeId = null;
  }
}
