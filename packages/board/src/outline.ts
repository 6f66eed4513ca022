/**
 * Shapes as closed outlines: whether a point is inside, and where a segment first crosses the
 * outline. Worked out in the shape's upright frame, so rotation costs nothing extra.
 */
import type { Point } from './geometry.js';
import { toLocal, toWorld } from './rotation.js';
import type { Shape } from './schema.js';

/** The diamond's corners in its upright frame: top, right, bottom, left. */
export function diamondCorners(b: { x: number; y: number; w: number; h: number }): Point[] {
  return [
    { x: b.x + b.w / 2, y: b.y },
    { x: b.x + b.w, y: b.y + b.h / 2 },
    { x: b.x + b.w / 2, y: b.y + b.h },
    { x: b.x, y: b.y + b.h / 2 },
  ];
}

const rectCorners = (b: { x: number; y: number; w: number; h: number }): Point[] => [
  { x: b.x, y: b.y },
  { x: b.x + b.w, y: b.y },
  { x: b.x + b.w, y: b.y + b.h },
  { x: b.x, y: b.y + b.h },
];

/** Whether `p` (board) lies inside the shape's outline, grown by `slack`. */
export function outlineContains(shape: Shape, p: Point, slack = 0): boolean {
  const q = toLocal(shape, p);
  const rx = shape.w / 2 + slack;
  const ry = shape.h / 2 + slack;
  const dx = q.x - (shape.x + shape.w / 2);
  const dy = q.y - (shape.y + shape.h / 2);
  if (rx <= 0 || ry <= 0) return false;
  if (shape.type === 'ellipse') return (dx / rx) ** 2 + (dy / ry) ** 2 <= 1;
  if (shape.type === 'diamond') return Math.abs(dx) / rx + Math.abs(dy) / ry <= 1;
  return Math.abs(dx) <= rx && Math.abs(dy) <= ry;
}

/** Parameter t in [0, 1] where segment a-b crosses segment c-d, or null. */
function crossing(a: Point, b: Point, c: Point, d: Point): number | null {
  const rx = b.x - a.x;
  const ry = b.y - a.y;
  const sx = d.x - c.x;
  const sy = d.y - c.y;
  const denom = rx * sy - ry * sx;
  if (Math.abs(denom) < 1e-12) return null;
  const t = ((c.x - a.x) * sy - (c.y - a.y) * sx) / denom;
  const u = ((c.x - a.x) * ry - (c.y - a.y) * rx) / denom;
  return t >= 0 && t <= 1 && u >= 0 && u <= 1 ? t : null;
}

function polygonCrossing(a: Point, b: Point, corners: readonly Point[]): number | null {
  let best: number | null = null;
  for (let i = 0; i < corners.length; i++) {
    const t = crossing(a, b, corners[i]!, corners[(i + 1) % corners.length]!);
    if (t !== null && (best === null || t < best)) best = t;
  }
  return best;
}

function ellipseCrossing(a: Point, b: Point, shape: Shape): number | null {
  const cx = shape.x + shape.w / 2;
  const cy = shape.y + shape.h / 2;
  const rx = shape.w / 2;
  const ry = shape.h / 2;
  if (rx <= 0 || ry <= 0) return null;
  const ax = (a.x - cx) / rx;
  const ay = (a.y - cy) / ry;
  const dx = (b.x - a.x) / rx;
  const dy = (b.y - a.y) / ry;
  const qa = dx * dx + dy * dy;
  const qb = 2 * (ax * dx + ay * dy);
  const qc = ax * ax + ay * ay - 1;
  const disc = qb * qb - 4 * qa * qc;
  if (qa === 0 || disc < 0) return null;
  const root = Math.sqrt(disc);
  for (const t of [(-qb - root) / (2 * qa), (-qb + root) / (2 * qa)]) {
    if (t >= 0 && t <= 1) return t;
  }
  return null;
}

/** The first point where the segment from `a` to `b` (board) crosses the outline, or null. */
export function outlineCrossing(shape: Shape, a: Point, b: Point): Point | null {
  const la = toLocal(shape, a);
  const lb = toLocal(shape, b);
  const t =
    shape.type === 'ellipse'
      ? ellipseCrossing(la, lb, shape)
      : polygonCrossing(
          la,
          lb,
          shape.type === 'diamond' ? diamondCorners(shape) : rectCorners(shape),
        );
  if (t === null) return null;
  return toWorld(shape, { x: la.x + (lb.x - la.x) * t, y: la.y + (lb.y - la.y) * t });
}
