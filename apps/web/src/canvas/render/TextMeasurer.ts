import { FONT_FAMILY } from '@drawbridge/board';
import type { Measure } from '../textFit.js';

const MAX_ENTRIES = 20_000;

/**
 * Text widths from a canvas context with the board font, cached by size and string; the
 * renderer, the text editor and the SVG export all measure through one instance.
 */
export class TextMeasurer {
  readonly #context: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  readonly #cache = new Map<string, number>();

  constructor() {
    this.#context =
      typeof OffscreenCanvas !== 'undefined'
        ? new OffscreenCanvas(1, 1).getContext('2d')
        : document.createElement('canvas').getContext('2d');
  }

  readonly measure: Measure = (fontSize) => (s) => {
    const key = `${fontSize}|${s}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const ctx = this.#context;
    let width = s.length * fontSize * 0.6;
    if (ctx) {
      ctx.font = `${fontSize}px ${FONT_FAMILY}`;
      width = ctx.measureText(s).width;
    }
    if (this.#cache.size > MAX_ENTRIES) this.#cache.clear();
    this.#cache.set(key, width);
    return width;
  };
}
