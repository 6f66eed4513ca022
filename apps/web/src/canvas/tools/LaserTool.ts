import type { PointerInput } from '../types.js';
import type { Tool } from './Tool.js';
import type { ToolHost } from './ToolHost.js';

/**
 * Points at things: a drag leaves a trail that fades within about a second, on everyone's
 * screen. The trail travels in presence (awareness) and never touches the board, so it works
 * on read-only boards too.
 */
export class LaserTool implements Tool {
  readonly cursor = 'crosshair';
  readonly #host: ToolHost;
  #drawing = false;

  constructor(host: ToolHost) {
    this.#host = host;
  }

  down(input: PointerInput): void {
    if (input.button !== 0) return;
    this.#drawing = true;
    this.#host.laser.start(input);
  }

  move(input: PointerInput): void {
    if (this.#drawing) this.#host.laser.add(input);
  }

  up(input: PointerInput): void {
    if (!this.#drawing) return;
    this.#host.laser.add(input);
    this.#drawing = false;
  }

  cancel(): void {
    this.#drawing = false;
  }
}
