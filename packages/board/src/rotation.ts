/**
 * Rotation: a shape turns by `rotation` radians about the centre of its frame. Everything that
 * asks "where is this point relative to the shape" (hit tests, bindings, resize handles) goes
 * through the shape's local frame, where the shape is upright.
 */
import type { Point } from './geometry.js';
import type { Bounds, Shape } from './schema.js';
import { normalizeAngle } from './validate.js';

export { normalizeAngle };

export const centerOf = (b: Bounds): Point => ({ x: b.x + b.w / 2, y: b.y + b.h / 2 });

/** `p` turned by `angle` radians (clockwise on screen) about `c`. */
export function rotatePoint(p: Point, c: Point, angle: number): Point {
  if (angle === 0) return { x: p.x, y: p.y };
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const dx = p.x - c.x;
  const dy = p.y - c.y;
  return { x: c.x + dx * cos - dy * sin, y: c.y + dx * sin + dy * cos };
}

/** A board point in the shape's upright frame (same units, same origin as x, y). */
export const toLocal = (shape: Shape, p: Point): Point =>
  rotatePoint(p, centerOf(shape), -shape.rotation);

/** A point of the shape's upright frame on the board. */
export const toWorld = (shape: Shape, p: Point): Point =>
  rotatePoint(p, centerOf(shape), shape.rotation);

/** The corners of a box turned by `angle` about its centre: nw, ne, se, sw. */
export function rotatedCorners(b: Bounds, angle: number): [Point, Point, Point, Point] {
  const c = centerOf(b);
  return [
    rotatePoint({ x: b.x, y: b.y }, c, angle),
    rotatePoint({ x: b.x + b.w, y: b.y }, c, angle),
    rotatePoint({ x: b.x + b.w, y: b.y + b.h }, c, angle),
    rotatePoint({ x: b.x, y: b.y + b.h }, c, angle),
  ];
}

/** The axis-aligned box around a box turned by `angle` about its centre. */
export function rotatedBoxBounds(b: Bounds, angle: number): Bounds {
  if (angle === 0) return { x: b.x, y: b.y, w: b.w, h: b.h };
  const cos = Math.abs(Math.cos(angle));
  const sin = Math.abs(Math.sin(angle));
  const w = b.w * cos + b.h * sin;
  const h = b.w * sin + b.h * cos;
  const c = centerOf(b);
  return { x: c.x - w / 2, y: c.y - h / 2, w, h };
}

/** The axis-aligned box around an ellipse inscribed in `b`, turned by `angle`. */
export function rotatedEllipseBounds(b: Bounds, angle: number): Bounds {
  if (angle === 0) return { x: b.x, y: b.y, w: b.w, h: b.h };
  const rx = b.w / 2;
  const ry = b.h / 2;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const hw = Math.sqrt(rx * rx * cos * cos + ry * ry * sin * sin);
  const hh = Math.sqrt(rx * rx * sin * sin + ry * ry * cos * cos);
  const c = centerOf(b);
  return { x: c.x - hw, y: c.y - hh, w: hw * 2, h: hh * 2 };
}

/** Snaps an angle to multiples of `step` (15 degrees by default). */
export const snapRotation = (angle: number, step = Math.PI / 12): number =>
  normalizeAngle(Math.round(angle / step) * step);

/** The angle of the vector from `c` to `p`, in radians. */
export const angleTo = (c: Point, p: Point): number => Math.atan2(p.y - c.y, p.x - c.x);
