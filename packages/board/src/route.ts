/**
 * The path of a line or arrow: straight between its ends, a quadratic curve through its bend,
 * or an elbow (the stored polyline), with arrowheads at its ends and a label at its middle.
 * The canvas, the SVG export and hit testing all draw from these, so they agree.
 */
import { distance, type Point } from './geometry.js';
import type { Arrowhead, SegmentShape } from './schema.js';

/** Both ends of a line or arrow, in board coordinates. */
export function segmentEnds(shape: SegmentShape): [Point, Point] {
  const p = shape.points;
  const n = p.length;
  return [
    { x: shape.x + (p[0] ?? 0), y: shape.y + (p[1] ?? 0) },
    { x: shape.x + (p[n - 2] ?? 0), y: shape.y + (p[n - 1] ?? 0) },
  ];
}

/** Every stored point of a line or arrow, in board coordinates. */
export function absolutePoints(shape: SegmentShape): Point[] {
  const list: Point[] = [];
  for (let i = 0; i + 1 < shape.points.length; i += 2) {
    list.push({ x: shape.x + shape.points[i]!, y: shape.y + shape.points[i + 1]! });
  }
  return list;
}

/** The control point of the quadratic whose middle sits `bend` to the left of a -> b. */
export function curveControl(a: Point, b: Point, bend: number): Point {
  const length = distance(a, b) || 1;
  const nx = (b.y - a.y) / length;
  const ny = -(b.x - a.x) / length;
  return { x: (a.x + b.x) / 2 + nx * bend * 2, y: (a.y + b.y) / 2 + ny * bend * 2 };
}

/** The bend that puts the middle of the curve from a to b at (or nearest to) `p`. */
export function bendThrough(a: Point, b: Point, p: Point): number {
  const length = distance(a, b) || 1;
  const nx = (b.y - a.y) / length;
  const ny = -(b.x - a.x) / length;
  return (p.x - (a.x + b.x) / 2) * nx + (p.y - (a.y + b.y) / 2) * ny;
}

export type SegmentPath =
  | { kind: 'line'; points: Point[] }
  | { kind: 'curve'; from: Point; control: Point; to: Point };

/** What to draw for a line or arrow. */
export function segmentPath(shape: SegmentShape): SegmentPath {
  const [a, b] = segmentEnds(shape);
  if (shape.route === 'curved' && shape.bend !== 0) {
    return { kind: 'curve', from: a, control: curveControl(a, b, shape.bend), to: b };
  }
  if (shape.route === 'elbow') {
    const points = absolutePoints(shape);
    return { kind: 'line', points: points.length > 2 ? points : elbowRoute(a, null, b, null) };
  }
  return { kind: 'line', points: [a, b] };
}

const CURVE_SAMPLES = 24;

/** The path as a polyline (curves sampled), for hit tests, bounds and label placement. */
export function pathPolyline(path: SegmentPath): Point[] {
  if (path.kind === 'line') return path.points;
  const { from, control, to } = path;
  const list: Point[] = [];
  for (let i = 0; i <= CURVE_SAMPLES; i++) {
    const t = i / CURVE_SAMPLES;
    const u = 1 - t;
    list.push({
      x: u * u * from.x + 2 * u * t * control.x + t * t * to.x,
      y: u * u * from.y + 2 * u * t * control.y + t * t * to.y,
    });
  }
  return list;
}

/** The point halfway along a polyline: where a segment's label sits. */
export function polylineMiddle(points: readonly Point[]): Point {
  let total = 0;
  for (let i = 1; i < points.length; i++) total += distance(points[i - 1]!, points[i]!);
  let left = total / 2;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const d = distance(a, b);
    if (d >= left && d > 0) {
      const t = left / d;
      return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
    }
    left -= d;
  }
  return points[0] ?? { x: 0, y: 0 };
}

/** A unit direction (an elbow's way out of a shape's side). */
export type Direction = { x: -1 | 0 | 1; y: -1 | 0 | 1 };

/**
 * An orthogonal route from a to b. `aOut`/`bOut` are the directions in which the route leaves
 * each end (away from the shape it is bound to); free ends leave along the longer axis.
 */
export function elbowRoute(
  a: Point,
  aOut: Direction | null,
  b: Point,
  bOut: Direction | null,
): Point[] {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const horizontal = Math.abs(dx) >= Math.abs(dy);
  const aH = aOut ? aOut.x !== 0 : horizontal;
  const bH = bOut ? bOut.x !== 0 : horizontal;
  let points: Point[];
  if (aH && bH) {
    const midX = (a.x + b.x) / 2;
    points = [a, { x: midX, y: a.y }, { x: midX, y: b.y }, b];
  } else if (!aH && !bH) {
    const midY = (a.y + b.y) / 2;
    points = [a, { x: a.x, y: midY }, { x: b.x, y: midY }, b];
  } else if (aH) {
    points = [a, { x: b.x, y: a.y }, b];
  } else {
    points = [a, { x: a.x, y: b.y }, b];
  }
  // Drop repeated corners (ends already in line).
  return points.filter((p, i) => i === 0 || distance(p, points[i - 1]!) > 1e-6);
}

export interface HeadGeometry {
  kind: Exclude<Arrowhead, 'none'>;
  tip: Point;
  /** For `arrow` (open) and `triangle` (filled): the two barbs; for `dot`, its radius. */
  left: Point;
  right: Point;
  radius: number;
}

/** The arrowhead at `tip`, pointing away from `from`. */
export function headGeometry(
  kind: Exclude<Arrowhead, 'none'>,
  tip: Point,
  from: Point,
  strokeWidth: number,
): HeadGeometry {
  const angle = Math.atan2(tip.y - from.y, tip.x - from.x);
  const length = Math.max(10, strokeWidth * 4);
  const spread = kind === 'triangle' ? Math.PI / 8 : Math.PI / 7;
  return {
    kind,
    tip,
    left: {
      x: tip.x - length * Math.cos(angle - spread),
      y: tip.y - length * Math.sin(angle - spread),
    },
    right: {
      x: tip.x - length * Math.cos(angle + spread),
      y: tip.y - length * Math.sin(angle + spread),
    },
    radius: Math.max(3, strokeWidth * 1.5),
  };
}

/** The heads of a line or arrow on its path. */
export function segmentHeads(shape: SegmentShape, path: SegmentPath): HeadGeometry[] {
  const heads: HeadGeometry[] = [];
  const [start, end] = segmentEnds(shape);
  // Tangents at the ends: towards the control point of a curve, the next corner of a polyline.
  const afterStart = path.kind === 'curve' ? path.control : (path.points[1] ?? end);
  const beforeEnd =
    path.kind === 'curve' ? path.control : (path.points[path.points.length - 2] ?? start);
  if (shape.startHead !== 'none') {
    heads.push(headGeometry(shape.startHead, start, afterStart, shape.strokeWidth));
  }
  if (shape.endHead !== 'none') {
    heads.push(headGeometry(shape.endHead, end, beforeEnd, shape.strokeWidth));
  }
  return heads;
}
