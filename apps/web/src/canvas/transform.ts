import {
  type ArrowShape,
  type Bounds,
  type LineShape,
  type Point,
  pointsBounds,
  type Shape,
} from '@drawbridge/board';
import { type HandleId, handlePoint, oppositeHandle } from './handles.js';
import { clampFontSize, fitText, type Measure } from './textFit.js';

/** A scale about a fixed anchor; negative factors flip. */
export interface ScaleTransform {
  anchor: Point;
  sx: number;
  sy: number;
  /** How much text grows (text has no width of its own to stretch). */
  fontScale: number;
}

const MIN_SCALE = 1e-3;
const nonZero = (s: number): number => (Math.abs(s) < MIN_SCALE ? MIN_SCALE * (s < 0 ? -1 : 1) : s);
const round = (n: number): number => Math.round(n * 100) / 100;

/** The scale that moves `handle` of `box` to `p`, keeping the opposite handle in place. */
export function scaleFromHandle(
  box: Bounds,
  handle: HandleId,
  p: Point,
  keepAspect: boolean,
): ScaleTransform {
  const anchor = handlePoint(box, oppositeHandle(handle));
  const from = handlePoint(box, handle);
  const horizontal = handle !== 'n' && handle !== 's';
  const vertical = handle !== 'e' && handle !== 'w';
  let sx = horizontal && from.x !== anchor.x ? (p.x - anchor.x) / (from.x - anchor.x) : 1;
  let sy = vertical && from.y !== anchor.y ? (p.y - anchor.y) / (from.y - anchor.y) : 1;
  if (keepAspect) {
    const s =
      horizontal && vertical
        ? Math.max(Math.abs(sx), Math.abs(sy))
        : horizontal
          ? Math.abs(sx)
          : Math.abs(sy);
    sx = horizontal ? s * Math.sign(sx || 1) : s;
    sy = vertical ? s * Math.sign(sy || 1) : s;
  }
  sx = nonZero(sx);
  sy = nonZero(sy);
  const fontScale = vertical ? Math.abs(sy) : Math.abs(sx);
  return { anchor, sx, sy, fontScale };
}

const apply = (t: ScaleTransform, x: number, y: number): Point => ({
  x: t.anchor.x + (x - t.anchor.x) * t.sx,
  y: t.anchor.y + (y - t.anchor.y) * t.sy,
});

/** Absolute points to a shape's (x, y, w, h, relative points). */
export function fromAbsolutePoints(absolute: readonly number[], stride: number) {
  const b = pointsBounds(absolute, stride);
  const x = round(b.x);
  const y = round(b.y);
  const points = absolute.map((n, i) => {
    const axis = i % stride;
    if (axis === 0) return round(n - x);
    if (axis === 1) return round(n - y);
    return n;
  });
  const rel = pointsBounds(points, stride);
  return { x, y, w: round(rel.x + rel.w), h: round(rel.y + rel.h), points };
}

/** The fields of `shape` after the scale. */
export function scaleShape(shape: Shape, t: ScaleTransform, measure: Measure): Partial<Shape> {
  switch (shape.type) {
    case 'line':
    case 'arrow':
    case 'pen': {
      const stride = shape.type === 'pen' ? 3 : 2;
      const absolute = shape.points.map((n, i) => {
        const axis = i % stride;
        if (axis === 0) return apply(t, shape.x + n, 0).x;
        if (axis === 1) return apply(t, 0, shape.y + n).y;
        return n;
      });
      return fromAbsolutePoints(absolute, stride);
    }
    case 'text': {
      const a = apply(t, shape.x, shape.y);
      const b = apply(t, shape.x + shape.w, shape.y + shape.h);
      const fontSize = clampFontSize(shape.fontSize * t.fontScale);
      const size = fitText({ ...shape, fontSize }, shape.text, measure);
      return { x: round(Math.min(a.x, b.x)), y: round(Math.min(a.y, b.y)), fontSize, ...size };
    }
    default: {
      const a = apply(t, shape.x, shape.y);
      const b = apply(t, shape.x + shape.w, shape.y + shape.h);
      return {
        x: round(Math.min(a.x, b.x)),
        y: round(Math.min(a.y, b.y)),
        w: round(Math.abs(b.x - a.x)),
        h: round(Math.abs(b.y - a.y)),
      };
    }
  }
}

/** Snaps `to` so the segment from `from` is a multiple of 15 degrees. */
export function snapAngle(from: Point, to: Point): Point {
  const step = Math.PI / 12;
  const length = Math.hypot(to.x - from.x, to.y - from.y);
  const angle = Math.round(Math.atan2(to.y - from.y, to.x - from.x) / step) * step;
  return { x: from.x + length * Math.cos(angle), y: from.y + length * Math.sin(angle) };
}

/** The fields of a line or arrow from `a` to `b`. */
export const segmentFields = (a: Point, b: Point) => fromAbsolutePoints([a.x, a.y, b.x, b.y], 2);

/** Both ends of a line or arrow in board coordinates. */
export function segmentEnds(shape: LineShape | ArrowShape): [Point, Point] {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = shape.points;
  return [
    { x: shape.x + x1, y: shape.y + y1 },
    { x: shape.x + x2, y: shape.y + y2 },
  ];
}
