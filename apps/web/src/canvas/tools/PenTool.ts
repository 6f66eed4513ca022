import { fromAbsolutePoints, LIMITS } from '@drawbridge/board';
import type { PointerInput } from '../types.js';
import type { Tool } from './Tool.js';
import type { ToolHost } from './ToolHost.js';

/** Points closer than this on screen add nothing a viewer could see. */
const MIN_STEP_PX = 0.75;

const round = (n: number): number => Math.round(n * 100) / 100;

/**
 * Freehand strokes. The stroke exists in the model from the first point (so others see it
 * grow, at the live-edit rate); a stroke longer than a shape may hold continues as a new one.
 */
export class PenTool implements Tool {
  readonly cursor = 'crosshair';
  readonly #editor: ToolHost;
  /** Absolute [x, y, pressure, ...] of the stroke being drawn. */
  #points: number[] = [];
  #shapeId: string | null = null;

  constructor(editor: ToolHost) {
    this.#editor = editor;
  }

  down(input: PointerInput): void {
    if (input.button !== 0) return;
    this.#editor.beginGesture();
    this.#start(input);
  }

  move(input: PointerInput): void {
    if (!this.#shapeId) return;
    const editor = this.#editor;
    const n = this.#points.length;
    const dx = input.x - this.#points[n - 3]!;
    const dy = input.y - this.#points[n - 2]!;
    if (Math.hypot(dx, dy) * editor.camera.zoom < MIN_STEP_PX) return;
    if (n + 3 > LIMITS.points) {
      editor.live.end();
      this.#start({ ...input, x: this.#points[n - 3]!, y: this.#points[n - 2]! });
    }
    this.#points.push(round(input.x), round(input.y), round(input.pressure));
    const base = editor.getShape(this.#shapeId);
    if (base) editor.live.set(base, fromAbsolutePoints(this.#points, 3));
  }

  up(input: PointerInput): void {
    if (!this.#shapeId) return;
    this.move(input);
    this.#finish();
  }

  cancel(): void {
    if (this.#shapeId) this.#finish();
  }

  #start(input: PointerInput): void {
    const editor = this.#editor;
    const { stroke, strokeWidth, opacity } = editor.state.style;
    this.#points = [round(input.x), round(input.y), round(input.pressure)];
    this.#shapeId = editor.model.addShape({
      type: 'pen',
      ...fromAbsolutePoints(this.#points, 3),
      stroke,
      fill: 'none',
      strokeWidth,
      opacity,
    });
  }

  #finish(): void {
    this.#shapeId = null;
    this.#points = [];
    this.#editor.endGesture();
  }
}
