import {
  LIMITS,
  LINE_HEIGHT,
  STICKY_PADDING,
  type StickyShape,
  type TextShape,
  wrapText,
} from '@drawbridge/board';

/** Text width at a font size: canvas measureText in the browser, an estimate in tests. */
export type Measure = (fontSize: number) => (s: string) => number;

export const STICKY_SIZE = 200;

export const clampFontSize = (size: number): number =>
  Math.min(LIMITS.fontSizeMax, Math.max(LIMITS.fontSizeMin, Math.round(size * 10) / 10));

/**
 * The box a text shape needs for its text (text shapes grow with their content), or the
 * height a sticky needs at its width (stickies keep their width and grow downwards).
 */
export function fitText(
  shape: Pick<TextShape | StickyShape, 'type' | 'w' | 'h' | 'fontSize'>,
  text: string,
  measure: Measure,
): { w: number; h: number } {
  const width = measure(shape.fontSize);
  const lineHeight = shape.fontSize * LINE_HEIGHT;
  if (shape.type === 'sticky') {
    const lines = wrapText(text, shape.w - STICKY_PADDING * 2, width);
    const needed = Math.ceil(lines.length * lineHeight + STICKY_PADDING * 2);
    return { w: shape.w, h: Math.max(shape.h, needed) };
  }
  const lines = wrapText(text, null, width);
  const w = Math.max(shape.fontSize * 0.5, ...lines.map((line) => width(line)));
  return { w: Math.ceil(w), h: Math.ceil(lines.length * lineHeight) };
}
