import { hitTest, type Point } from '@drawbridge/board';
import type { PointerInput } from '../types.js';
import type { Tool } from './Tool.js';
import type { ToolHost } from './ToolHost.js';

const RADIUS_PX = 8;

/**
 * Marks every shape the eraser passes over (drawn faded) and deletes them together when the
 * pointer lifts: one gesture, one undo step.
 */
export class EraserTool implements Tool {
  readonly cursor = 'cell';
  readonly #editor: ToolHost;
  #last: Point | null = null;

  constructor(editor: ToolHost) {
    this.#editor = editor;
  }

  down(input: PointerInput): void {
    if (input.button !== 0) return;
    this.#last = { x: input.x, y: input.y };
    this.#eraseAlong(this.#last, this.#last);
  }

  move(input: PointerInput): void {
    if (!this.#last) return;
    this.#eraseAlong(this.#last, input);
    this.#last = { x: input.x, y: input.y };
  }

  up(input: PointerInput): void {
    if (!this.#last) return;
    this.move(input);
    const editor = this.#editor;
    const ids = [...editor.overlay.erasing];
    this.cancel();
    if (ids.length > 0) editor.action(() => editor.model.deleteShapes(ids));
  }

  cancel(): void {
    this.#last = null;
    this.#editor.overlay.erasing.clear();
    this.#editor.invalidate();
  }

  /** Samples the segment so a fast swipe does not skip thin shapes. */
  #eraseAlong(a: Point, b: Point): void {
    const editor = this.#editor;
    const radius = RADIUS_PX / editor.camera.zoom;
    const steps = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / radius));
    const erasing = editor.overlay.erasing;
    const before = erasing.size;
    for (let i = 0; i <= steps; i++) {
      const p = { x: a.x + ((b.x - a.x) * i) / steps, y: a.y + ((b.y - a.y) * i) / steps };
      const area = { x: p.x - radius, y: p.y - radius, w: radius * 2, h: radius * 2 };
      for (const shape of editor.shapesIn(area)) {
        if (!shape.locked && hitTest(shape, p, radius)) erasing.add(shape.id);
      }
    }
    if (erasing.size !== before) editor.invalidate();
  }
}
