/**
 * Rendering rules shared by the canvas, the SVG export and the server's previews, so that a
 * dashed, faded or rotated shape looks the same everywhere.
 */
import type { Shape, StrokeDash } from './schema.js';
import { STICKY_COLORS } from './schema.js';

/** Dash lengths for a stroke style at a width (empty: solid). Dots rely on round caps. */
export function dashArray(dash: StrokeDash, strokeWidth: number): number[] {
  const w = Math.max(1, strokeWidth);
  if (dash === 'dashed') return [w * 3 + 2, w * 2 + 4];
  if (dash === 'dotted') return [0, w * 2 + 2];
  return [];
}

/** Corner radius of rectangles. */
export const rectRadius = (shape: Shape): number => Math.min(4, shape.w / 2, shape.h / 2);
export const stickyRadius = (shape: Shape): number => Math.min(6, shape.w / 2, shape.h / 2);

/** A note's colour: its fill, or the first note colour for an unfilled one. */
export const stickyFill = (shape: Shape): string =>
  shape.fill === 'none' ? STICKY_COLORS[0] : shape.fill;

/** Whether the shape's stroke is drawn with the dash pattern (pen strokes are filled). */
export const dashes = (shape: Shape): boolean =>
  shape.dash !== 'solid' &&
  shape.type !== 'pen' &&
  shape.type !== 'text' &&
  shape.type !== 'sticky' &&
  shape.type !== 'image';
