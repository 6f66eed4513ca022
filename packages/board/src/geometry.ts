/**
 * Geometry shared by the canvas renderer, hit testing and SVG export, so that what is drawn,
 * what is clicked and what is exported agree.
 */
import { getStroke } from 'perfect-freehand';
import type { Bounds, Shape } from './schema.js';

export type { Bounds };

export interface Point {
  x: number;
  y: number;
}

/** Bounds of flat points with `stride` numbers per point (2: x,y; 3: x,y,pressure). */
export function pointsBounds(points: readonly number[], stride: number): Bounds {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let i = 0; i + 1 < points.length; i += stride) {
    const x = points[i]!;
    const y = points[i + 1]!;
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  if (minX === Number.POSITIVE_INFINITY) return { x: 0, y: 0, w: 0, h: 0 };
  return { x: minX, y: minY, w: maxX - minX, h: maxY - minY };
}

export const strideOf = (shape: Shape): number => (shape.type === 'pen' ? 3 : 2);

/** Two decimals: enough for board units, and short on the wire. */
export const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Absolute flat points to a shape's (x, y, w, h, relative points). */
export function fromAbsolutePoints(absolute: readonly number[], stride: number) {
  const b = pointsBounds(absolute, stride);
  const x = round2(b.x);
  const y = round2(b.y);
  const points = absolute.map((n, i) => {
    const axis = i % stride;
    if (axis === 0) return round2(n - x);
    if (axis === 1) return round2(n - y);
    return n;
  });
  const rel = pointsBounds(points, stride);
  return { x, y, w: round2(rel.x + rel.w), h: round2(rel.y + rel.h), points };
}

/** Flat [x, y, ...] from points. */
export const flatten = (points: readonly Point[]): number[] => points.flatMap((p) => [p.x, p.y]);

export function unionBounds(list: readonly Bounds[]): Bounds | null {
  if (list.length === 0) return null;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const b of list) {
    minX = Math.min(minX, b.x);
    minY = Math.min(minY, b.y);
    maxX = Math.max(maxX, b.x + b.w);
    maxY = Math.max(maxY, b.y + b.h);
  }
  return { x: minX, y: minY, w: maxX - minX, h: maxY - minY };
}

export const intersects = (a: Bounds, b: Bounds): boolean =>
  a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h;

export const contains = (outer: Bounds, inner: Bounds): boolean =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.w <= outer.x + outer.w &&
  inner.y + inner.h <= outer.y + outer.h;

/** Normalises a rectangle given by two corners. */
export const boundsFromCorners = (a: Point, b: Point): Bounds => ({
  x: Math.min(a.x, b.x),
  y: Math.min(a.y, b.y),
  w: Math.abs(a.x - b.x),
  h: Math.abs(a.y - b.y),
});

/** The outline of a freehand stroke as SVG path data (also usable as a canvas Path2D). */
export function penPath(points: readonly number[], strokeWidth: number, complete = true): string {
  const input: [number, number, number][] = [];
  for (let i = 0; i + 2 < points.length; i += 3) {
    input.push([points[i]!, points[i + 1]!, points[i + 2]!]);
  }
  const hasPressure = input.some(([, , p]) => p !== 0.5);
  const outline = getStroke(input, {
    size: Math.max(1, strokeWidth * 2),
    thinning: hasPressure ? 0.6 : 0.5,
    smoothing: 0.5,
    streamline: 0.5,
    simulatePressure: !hasPressure,
    last: complete,
  });
  return outlineToPath(outline);
}

const fmt = (n: number): string => (Math.round(n * 100) / 100).toString();

function outlineToPath(outline: number[][]): string {
  if (outline.length < 2) return '';
  const [first] = outline;
  let d = `M${fmt(first![0]!)} ${fmt(first![1]!)}Q`;
  for (let i = 0; i < outline.length; i++) {
    const [x0, y0] = outline[i]!;
    const [x1, y1] = outline[(i + 1) % outline.length]!;
    d += `${fmt(x0!)} ${fmt(y0!)} ${fmt((x0! + x1!) / 2)} ${fmt((y0! + y1!) / 2)} `;
  }
  return `${d}Z`;
}

/** Distance from p to the segment a-b. */
export function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const lengthSq = dx * dx + dy * dy;
  const t =
    lengthSq === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSq));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/**
 * Fits a shape into new bounds: the box for boxes, and points scaled along for lines, arrows
 * and strokes. Returns the fields to update.
 */
export function resizeShape(shape: Shape, to: Bounds): Partial<Shape> {
  const next: Record<string, unknown> = {
    x: to.x,
    y: to.y,
    w: Math.max(0, to.w),
    h: Math.max(0, to.h),
  };
  if ('points' in shape) {
    const stride = shape.type === 'pen' ? 3 : 2;
    const sx = shape.w === 0 ? 1 : to.w / shape.w;
    const sy = shape.h === 0 ? 1 : to.h / shape.h;
    next.points = shape.points.map((n, i) => {
      const axis = i % stride;
      if (axis === 0) return n * sx;
      if (axis === 1) return n * sy;
      return n;
    });
  }
  return next as Partial<Shape>;
}

/**
 * Splits text into lines no wider than `width` (when given), breaking at spaces; `measure`
 * returns a string's width at the font size (canvas measureText in the browser, an estimate
 * elsewhere).
 */
export function wrapText(
  text: string,
  width: number | null,
  measure: (s: string) => number,
): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    if (width === null) {
      lines.push(paragraph);
      continue;
    }
    let line = '';
    for (const word of paragraph.split(' ')) {
      const candidate = line ? `${line} ${word}` : word;
      if (line && measure(candidate) > width) {
        lines.push(line);
        line = word;
      } else {
        line = candidate;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** A font-independent width estimate, for servers and tests without a canvas. */
export const estimateTextWidth = (fontSize: number) => (s: string) => s.length * fontSize * 0.6;

export const LINE_HEIGHT = 1.25;
export const STICKY_PADDING = 12;
export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

export const distance = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);
