import type { Point } from '@drawbridge/board';
import type { PointerInput } from '../types.js';
import type { Tool } from './Tool.js';
import type { ToolHost } from './ToolHost.js';

/** Text and sticky notes: a click opens the in-place editor (on the text under it, if any). */
export class TextTool implements Tool {
  readonly id: 'text' | 'sticky';
  readonly cursor: string;
  readonly #editor: ToolHost;
  #pressed: Point | null = null;

  constructor(id: 'text' | 'sticky', editor: ToolHost) {
    this.id = id;
    this.cursor = id === 'text' ? 'text' : 'copy';
    this.#editor = editor;
  }

  down(input: PointerInput): void {
    if (input.button === 0) this.#pressed = { x: input.x, y: input.y };
  }

  move(): void {}

  up(input: PointerInput): void {
    if (!this.#pressed) return;
    this.#pressed = null;
    const editor = this.#editor;
    const hit = editor.hitTest(input);
    const shape = hit ? editor.getShape(hit) : undefined;
    if (shape && (shape.type === 'text' || shape.type === 'sticky')) editor.text.edit(shape.id);
    else editor.text.draft(this.id, input);
  }

  cancel(): void {
    this.#pressed = null;
  }
}
