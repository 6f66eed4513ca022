import type { Point } from '@drawbridge/board';
import type { Editor } from '../Editor.js';
import { segmentFields, snapAngle } from '../transform.js';
import type { PointerInput } from '../types.js';
import { CREATE_THRESHOLD_PX } from './BoxTool.js';
import type { Tool } from './Tool.js';

/** Lines and arrows, dragged from start to end; Shift snaps the angle to 15 degrees. */
export class LineTool implements Tool {
  readonly id: 'line' | 'arrow';
  readonly cursor = 'crosshair';
  readonly #editor: Editor;
  #origin: Point | null = null;
  #shapeId: string | null = null;

  constructor(id: 'line' | 'arrow', editor: Editor) {
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
    const end = input.shiftKey ? snapAngle(origin, input) : input;
    const fields = segmentFields(origin, end);
    if (!this.#shapeId) {
      const length = Math.hypot(end.x - origin.x, end.y - origin.y);
      if (length * editor.camera.zoom < CREATE_THRESHOLD_PX) return;
      const { stroke, strokeWidth } = editor.state.style;
      this.#shapeId = editor.model.addShape({
        type: this.id,
        ...fields,
        stroke,
        fill: 'none',
        strokeWidth,
      });
      return;
    }
    const base = editor.store.get(this.#shapeId);
    if (base) editor.live.set(base, fields);
  }

  up(input: PointerInput): void {
    if (!this.#origin) return;
    this.move(input);
    const id = this.#shapeId;
    this.#origin = null;
    this.#shapeId = null;
    this.#editor.endGesture();
    if (id) this.#editor.finishCreation([id]);
  }

  cancel(): void {
    if (this.#origin) this.#editor.endGesture();
    this.#origin = null;
    this.#shapeId = null;
  }
}
