import {
  absolutePoints,
  type Bounds,
  centerOf,
  elbowRoute,
  flatten,
  fromAbsolutePoints,
  isSegment,
  normalizeAngle,
  type Point,
  rotatePoint,
  round2,
  type SegmentShape,
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

/** A segment's fields from absolute points, re-routing an elbow whose legs went askew. */
function segmentFrom(shape: SegmentShape, points: Point[]): Partial<Shape> {
  const straight = points.every(
    (p, i) =>
      i === 0 || Math.abs(p.x - points[i - 1]!.x) < 0.01 || Math.abs(p.y - points[i - 1]!.y) < 0.01,
  );
  const route =
    shape.route === 'elbow' && !straight
      ? elbowRoute(points[0]!, null, points[points.length - 1]!, null)
      : points;
  return fromAbsolutePoints(flatten(route), 2);
}

/** The fields of `shape` after the scale (in the frame where the scale was measured). */
export function scaleShape(shape: Shape, t: ScaleTransform, measure: Measure): Partial<Shape> {
  if (isSegment(shape)) {
    return segmentFrom(
      shape,
      absolutePoints(shape).map((p) => apply(t, p.x, p.y)),
    );
  }
  if (shape.type === 'pen' && shape.rotation === 0) {
    const absolute = shape.points.map((n, i) => {
      const axis = i % 3;
      if (axis === 0) return apply(t, shape.x + n, 0).x;
      if (axis === 1) return apply(t, 0, shape.y + n).y;
      return n;
    });
    return fromAbsolutePoints(absolute, 3);
  }
  if (shape.rotation !== 0) return scaleTurned(shape, t, measure);
  const a = apply(t, shape.x, shape.y);
  const b = apply(t, shape.x + shape.w, shape.y + shape.h);
  const box = {
    x: round2(Math.min(a.x, b.x)),
    y: round2(Math.min(a.y, b.y)),
    w: round2(Math.abs(b.x - a.x)),
    h: round2(Math.abs(b.y - a.y)),
  };
  if (shape.type !== 'text') return box;
  const fontSize = clampFontSize(shape.fontSize * t.fontScale);
  return { x: box.x, y: box.y, fontSize, ...fitText({ ...shape, fontSize }, shape.text, measure) };
}

/**
 * A turned shape in a selection scaled on the board's axes: its centre follows the scale and
 * its sides grow by the factor of the board axis they lie closest to (exact at right angles).
 */
function scaleTurned(shape: Shape, t: ScaleTransform, measure: Measure): Partial<Shape> {
  const c = apply(t, shape.x + shape.w / 2, shape.y + shape.h / 2);
  const upright = Math.abs(Math.cos(shape.rotation)) >= Math.abs(Math.sin(shape.rotation));
  const fx = Math.abs(upright ? t.sx : t.sy);
  const fy = Math.abs(upright ? t.sy : t.sx);
  let size: { w: number; h: number } = { w: shape.w * fx, h: shape.h * fy };
  const extra: Partial<Shape> = {};
  if (shape.type === 'text') {
    const fontSize = clampFontSize(shape.fontSize * t.fontScale);
    size = fitText({ ...shape, fontSize }, shape.text, measure);
    Object.assign(extra, { fontSize });
  }
  if (shape.type === 'pen') {
    Object.assign(extra, {
      points: shape.points.map((n, i) => (i % 3 === 0 ? n * fx : i % 3 === 1 ? n * fy : n)),
    });
  }
  return {
    ...extra,
    x: round2(c.x - size.w / 2),
    y: round2(c.y - size.h / 2),
    w: round2(size.w),
    h: round2(size.h),
  };
}

/**
 * Fields of a single turned shape resized by a handle: `t` is measured in the shape's upright
 * frame; the result is put back so the anchored side stays where it is on the board.
 */
export function scaleInFrame(shape: Shape, t: ScaleTransform, measure: Measure): Partial<Shape> {
  const upright = { ...shape, rotation: 0 } as Shape;
  const fields = scaleShape(upright, t, measure);
  const next = { ...upright, ...fields } as Shape;
  const center = rotatePoint(centerOf(next), centerOf(shape), shape.rotation);
  return { ...fields, x: round2(center.x - next.w / 2), y: round2(center.y - next.h / 2) };
}

/** The fields of `shape` turned by `delta` radians about `center`. */
export function rotateShape(shape: Shape, center: Point, delta: number): Partial<Shape> {
  if (isSegment(shape)) {
    return segmentFrom(
      shape,
      absolutePoints(shape).map((p) => rotatePoint(p, center, delta)),
    );
  }
  const c = rotatePoint(centerOf(shape), center, delta);
  return {
    x: round2(c.x - shape.w / 2),
    y: round2(c.y - shape.h / 2),
    rotation: Math.round(normalizeAngle(shape.rotation + delta) * 1e4) / 1e4,
  };
}

/** Snaps `to` so the segment from `from` is a multiple of 15 degrees. */
export function snapAngle(from: Point, to: Point): Point {
  const step = Math.PI / 12;
  const length = Math.hypot(to.x - from.x, to.y - from.y);
  const angle = Math.round(Math.atan2(to.y - from.y, to.x - from.x) / step) * step;
  return { x: from.x + length * Math.cos(angle), y: from.y + length * Math.sin(angle) };
}

/** The fields of a line or arrow from `a` to `b` (an elbow routed between them). */
export function segmentFields(shape: SegmentShape, a: Point, b: Point): Partial<Shape> {
  const points = shape.route === 'elbow' ? elbowRoute(a, null, b, null) : [a, b];
  return fromAbsolutePoints(flatten(points), 2);
}
