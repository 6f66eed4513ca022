import type { Point } from '@drawbridge/board';
import type { Editor } from '../Editor.js';
import type { PointerInput } from '../types.js';
import type { Tool } from './Tool.js';

/** Drags the board: the board point grabbed stays under the pointer. */
export class HandTool implements Tool {
  readonly id = 'hand' as const;
  readonly #editor: Editor;
  #grab: Point | null = null;

  constructor(editor: Editor) {
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
