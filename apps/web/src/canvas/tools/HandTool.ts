import type { Point } from '@drawbridge/board';
import type { PointerInput } from '../types.js';
import type { Tool } from './Tool.js';
import type { ToolHost } from './ToolHost.js';

/** Drags the board: the board point grabbed stays under the pointer. */
export class HandTool implements Tool {
  readonly #editor: ToolHost;
  #grab: Point | null = null;

  constructor(editor: ToolHost) {
    this.#editor = editor;
  }

  get cursor(): string {
    return this.#grab ? 'grabbing' : 'grab';
  }

  down(input: PointerInput): void {
    this.#grab = { x: input.x, y: input.y };
  }

  move(input: PointerInput): void {
    if (!this.#grab) return;
    const { camera } = this.#editor;
    camera.panBy((input.x - this.#grab.x) * camera.zoom, (input.y - this.#grab.y) * camera.zoom);
  }

  up(): void {
    this.#grab = null;
  }

  cancel(): void {
    this.#grab = null;
  }
}
