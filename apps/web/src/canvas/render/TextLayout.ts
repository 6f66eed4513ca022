import { type Shape, textLines, wrapWidth } from '@drawbridge/board';
import type { Measure } from '../textFit.js';

interface Entry {
  text: string;
  fontSize: number;
  width: number | null;
  lines: string[];
}

/** Wrapped lines per shape with text, cached: measuring every word every frame adds up. */
export class TextLayout {
  readonly #measure: Measure;
  readonly #entries = new Map<string, Entry>();

  constructor(measure: Measure) {
    this.#measure = measure;
  }

  /** The shape's text (or label) as drawn: `text` when given (a draft), else the shape's. */
  lines(shape: Shape, text?: string): string[] {
    if (!('fontSize' in shape)) return [];
    const content = text ?? ('text' in shape ? shape.text : 'label' in shape ? shape.label : '');
    const width = wrapWidth(shape, shape.fontSize);
    const entry = this.#entries.get(shape.id);
    if (
      entry &&
      entry.text === content &&
      entry.fontSize === shape.fontSize &&
      entry.width === width
    ) {
      return entry.lines;
    }
    const lines = textLines(
      { ...shape, ...textOf(shape, content) } as Shape,
      this.#measure(shape.fontSize),
    );
    this.#entries.set(shape.id, { text: content, fontSize: shape.fontSize, width, lines });
    return lines;
  }

  width(fontSize: number, line: string): number {
    return this.#measure(fontSize)(line);
  }

  invalidate(ids: Iterable<string>): void {
    for (const id of ids) this.#entries.delete(id);
  }
}

const textOf = (shape: Shape, content: string) =>
  'text' in shape ? { text: content } : { label: content };
