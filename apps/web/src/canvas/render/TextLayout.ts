import { STICKY_PADDING, type StickyShape, type TextShape, wrapText } from '@drawbridge/board';
import type { Measure } from '../textFit.js';

interface Entry {
  text: string;
  fontSize: number;
  w: number;
  lines: string[];
}

/** Wrapped lines per text shape, cached: measuring every word every frame adds up. */
export class TextLayout {
  readonly #measure: Measure;
  readonly #entries = new Map<string, Entry>();

  constructor(measure: Measure) {
    this.#measure = measure;
  }

  lines(shape: TextShape | StickyShape): string[] {
    const w = shape.type === 'sticky' ? shape.w : -1;
    const entry = this.#entries.get(shape.id);
    if (entry && entry.text === shape.text && entry.fontSize === shape.fontSize && entry.w === w) {
      return entry.lines;
    }
    const width = shape.type === 'sticky' ? shape.w - STICKY_PADDING * 2 : null;
    const lines = wrapText(shape.text, width, this.#measure(shape.fontSize));
    this.#entries.set(shape.id, { text: shape.text, fontSize: shape.fontSize, w, lines });
    return lines;
  }

  width(fontSize: number, line: string): number {
    return this.#measure(fontSize)(line);
  }

  invalidate(ids: Iterable<string>): void {
    for (const id of ids) this.#entries.delete(id);
  }
}
