/**
 * Where text goes: free text and notes from their top-left, labels centred in their box or at
 * the middle of a line or arrow. Positions are in the shape's upright frame (the caller turns
 * it by the shape's rotation); each line is anchored at `anchorX` with `align`, as canvas
 * `textAlign` and SVG `text-anchor` both do, so the two agree however fonts measure.
 */
import { LINE_HEIGHT, type Point, STICKY_PADDING, wrapText } from './geometry.js';
import { pathPolyline, polylineMiddle, segmentPath } from './route.js';
import { type Bounds, isBox, isSegment, type Shape, shapeText, type TextAlign } from './schema.js';

export const LABEL_PADDING = 8;
/** Segment labels wrap at this many font sizes. */
const SEGMENT_LABEL_EMS = 12;

/** The area a box's label wraps in, in its upright frame. */
export function labelArea(shape: Shape): Bounds {
  const { x, y, w, h } = shape;
  if (shape.type === 'ellipse') {
    // The largest centred rectangle of the same proportions inside the ellipse.
    const iw = w * Math.SQRT1_2;
    const ih = h * Math.SQRT1_2;
    return inset({ x: x + (w - iw) / 2, y: y + (h - ih) / 2, w: iw, h: ih }, LABEL_PADDING / 2);
  }
  if (shape.type === 'diamond') {
    return inset({ x: x + w / 4, y: y + h / 4, w: w / 2, h: h / 2 }, LABEL_PADDING / 4);
  }
  return inset({ x, y, w, h }, LABEL_PADDING);
}

const inset = (b: Bounds, by: number): Bounds => ({
  x: b.x + by,
  y: b.y + by,
  w: Math.max(0, b.w - by * 2),
  h: Math.max(0, b.h - by * 2),
});

/** The width text wraps at, or null when it only breaks at newlines (free text). */
export function wrapWidth(shape: Shape, fontSize: number): number | null {
  if (shape.type === 'text') return null;
  if (shape.type === 'sticky') return Math.max(1, shape.w - STICKY_PADDING * 2);
  if (isSegment(shape)) return fontSize * SEGMENT_LABEL_EMS;
  return Math.max(1, labelArea(shape).w);
}

export interface PlacedText {
  lines: string[];
  fontSize: number;
  align: TextAlign;
  anchorX: number;
  /** Baseline of each line. */
  baselines: number[];
  /** The block's box (a segment label's background). */
  box: Bounds;
}

/** Lines of a shape's text, wrapped as it is drawn; `measure` gives widths at its font size. */
export function textLines(shape: Shape, measure: (s: string) => number): string[] {
  const text = shapeText(shape);
  if (!text) return [];
  const fontSize = 'fontSize' in shape ? shape.fontSize : 0;
  return wrapText(text, wrapWidth(shape, fontSize), measure);
}

/**
 * Places already wrapped `lines` for `shape`. `measure` gives line widths (needed for a
 * segment label's box).
 */
export function placeText(
  shape: Shape,
  lines: readonly string[],
  measure: (s: string) => number,
): PlacedText | null {
  if (!('fontSize' in shape) || !('textAlign' in shape)) return null;
  const { fontSize, textAlign: align } = shape;
  const lineHeight = fontSize * LINE_HEIGHT;
  const height = lines.length * lineHeight;
  let area: Bounds;
  if (shape.type === 'text') {
    area = { x: shape.x, y: shape.y, w: shape.w, h: height };
  } else if (shape.type === 'sticky') {
    area = inset({ x: shape.x, y: shape.y, w: shape.w, h: shape.h }, STICKY_PADDING);
    area = { ...area, h: height };
  } else if (isBox(shape)) {
    const inner = labelArea(shape);
    area = { x: inner.x, y: inner.y + (inner.h - height) / 2, w: inner.w, h: height };
  } else if (isSegment(shape)) {
    const middle = segmentLabelPoint(shape);
    const width = Math.max(fontSize * 0.5, ...lines.map(measure));
    area = { x: middle.x - width / 2, y: middle.y - height / 2, w: width, h: height };
  } else {
    return null;
  }
  const anchorX =
    align === 'left' ? area.x : align === 'right' ? area.x + area.w : area.x + area.w / 2;
  const baselines = lines.map((_, i) => area.y + lineHeight * i + fontSize);
  const pad = fontSize * 0.25;
  const box = { x: area.x - pad, y: area.y - pad / 2, w: area.w + pad * 2, h: height + pad };
  return { lines: [...lines], fontSize, align, anchorX, baselines, box };
}

/** Where a line's or arrow's label is centred: halfway along its path. */
export const segmentLabelPoint = (shape: Extract<Shape, { type: 'line' | 'arrow' }>): Point =>
  polylineMiddle(pathPolyline(segmentPath(shape)));
