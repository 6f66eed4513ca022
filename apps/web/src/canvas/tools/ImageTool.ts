import type { PointerInput } from '../types.js';
import type { Tool } from './Tool.js';
import type { ToolHost } from './ToolHost.js';

/**
 * Images: a click on the board asks for picture files (the press is the user gesture a file
 * picker needs) and places them there. Pasting and dropping images work with any tool.
 */
export class ImageTool implements Tool {
  readonly cursor = 'copy';
  readonly #host: ToolHost;

  constructor(host: ToolHost) {
    this.#host = host;
  }

  down(input: PointerInput): void {
    if (input.button === 0 && !this.#host.readonly) this.#host.images.pick(input);
  }

  move(): void {}
  up(): void {}
  cancel(): void {}
}
