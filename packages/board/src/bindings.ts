/**
 * Arrow bindings: an end of a line or arrow attached to a shape. A binding is a record of its
 * own in the document's `bindings` map, keyed by arrow and end, so one person moving a shape
 * while another re-binds the arrow both survive (the shape's fields and the binding are
 * different entries), and two people binding the same end resolve to one binding.
 *
 * The bound end is derived when reading: it points at the binding's anchor (a point in the
 * shape's upright frame, as fractions of its size) and stops at the shape's outline. The
 * arrow's stored points are what is shown when the binding is gone or its shape is.
 */
import { distance, flatten, fromAbsolutePoints, type Point } from './geometry.js';
import { outlineContains, outlineCrossing } from './outline.js';
import { toLocal, toWorld } from './rotation.js';
import { curveControl, type Direction, elbowRoute, segmentEnds } from './route.js';
import type { SegmentShape, Shape } from './schema.js';
import { isShapeId } from './validate.js';

export type Terminal = 'start' | 'end';
export const TERMINALS: readonly Terminal[] = ['start', 'end'];

export interface Binding {
  arrowId: string;
  terminal: Terminal;
  /** The shape the end is attached to. */
  shapeId: string;
  /** In the shape's upright frame, as fractions of its width and height (0..1). */
  anchor: Point;
}

/** A bound end stops this far short of the outline, so arrowheads do not sink into it. */
export const BIND_GAP = 4;

export const bindingKey = (arrowId: string, terminal: Terminal): string => `${arrowId}:${terminal}`;

const unit = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;

/** A valid binding from a `bindings` entry (key and value as stored), or null. */
export function readBinding(key: unknown, value: unknown): Binding | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const { arrowId, terminal, shapeId, anchor } = v;
  if (!isShapeId(arrowId) || !isShapeId(shapeId) || arrowId === shapeId) return null;
  if (terminal !== 'start' && terminal !== 'end') return null;
  if (key !== bindingKey(arrowId, terminal)) return null;
  if (!Array.isArray(anchor) || anchor.length !== 2 || !unit(anchor[0]) || !unit(anchor[1])) {
    return null;
  }
  return { arrowId, terminal, shapeId, anchor: { x: anchor[0], y: anchor[1] } };
}

/** The stored form of a binding. */
export const writeBinding = (b: Binding) => ({
  arrowId: b.arrowId,
  terminal: b.terminal,
  shapeId: b.shapeId,
  anchor: [b.anchor.x, b.anchor.y],
});

/** Shapes an arrow end can be attached to: closed outlines. */
export const isBindTarget = (shape: Shape): boolean =>
  shape.type === 'rect' ||
  shape.type === 'ellipse' ||
  shape.type === 'diamond' ||
  shape.type === 'text' ||
  shape.type === 'sticky' ||
  shape.type === 'image';

/**
 * Shapes a dropped end binds to now: closed outlines that are not locked (a locked background
 * would otherwise catch every arrow). Locking a shape later keeps its arrows attached.
 */
export const isBindable = (shape: Shape): boolean => !shape.locked && isBindTarget(shape);

/** Drops within this fraction of the centre aim at the centre. */
const CENTRE_ZONE = 0.2;

/** The anchor for an end dropped at `p` (board) on `shape`. */
export function anchorAt(shape: Shape, p: Point): Point {
  const q = toLocal(shape, p);
  const fx = shape.w > 0 ? (q.x - shape.x) / shape.w : 0.5;
  const fy = shape.h > 0 ? (q.y - shape.y) / shape.h : 0.5;
  if (Math.abs(fx - 0.5) < CENTRE_ZONE && Math.abs(fy - 0.5) < CENTRE_ZONE) {
    return { x: 0.5, y: 0.5 };
  }
  const clamp = (n: number) => Math.round(Math.min(1, Math.max(0, n)) * 1000) / 1000;
  return { x: clamp(fx), y: clamp(fy) };
}

/** The anchor as a board point. */
export const anchorPoint = (shape: Shape, anchor: Point): Point =>
  toWorld(shape, { x: shape.x + anchor.x * shape.w, y: shape.y + anchor.y * shape.h });

/** Where an end aimed from `from` at `anchor` meets the shape: its outline, less the gap. */
export function clipToOutline(shape: Shape, from: Point, anchor: Point): Point {
  if (outlineContains(shape, from)) return anchor;
  const hit = outlineCrossing(shape, from, anchor);
  if (!hit) return anchor;
  const d = distance(from, hit);
  if (d <= BIND_GAP) return hit;
  const t = BIND_GAP / d;
  return { x: hit.x + (from.x - hit.x) * t, y: hit.y + (from.y - hit.y) * t };
}

/** An elbow's end on the side of `shape` facing `toward`, and the way out of that side. */
function elbowEnd(shape: Shape, anchor: Point, toward: Point): { p: Point; out: Direction } {
  const q = toLocal(shape, toward);
  const a = toLocal(shape, anchor);
  const cx = shape.x + shape.w / 2;
  const cy = shape.y + shape.h / 2;
  const fx = (q.x - cx) / Math.max(1, shape.w);
  const fy = (q.y - cy) / Math.max(1, shape.h);
  let local: Point;
  let out: Direction;
  if (Math.abs(fx) >= Math.abs(fy)) {
    const right = fx >= 0;
    local = { x: right ? shape.x + shape.w + BIND_GAP : shape.x - BIND_GAP, y: a.y };
    out = { x: right ? 1 : -1, y: 0 };
  } else {
    const below = fy >= 0;
    local = { x: a.x, y: below ? shape.y + shape.h + BIND_GAP : shape.y - BIND_GAP };
    out = { x: 0, y: below ? 1 : -1 };
  }
  return { p: toWorld(shape, local), out };
}

/** A bound end: the binding's anchor and the shape it is on. */
export interface BoundEnd {
  anchor: Point;
  shape: Shape;
}

/** The line or arrow with its bound ends where their shapes are now. */
export function resolveSegment(
  segment: SegmentShape,
  start: BoundEnd | null,
  end: BoundEnd | null,
): SegmentShape {
  if (!start && !end) return segment;
  const [s0, e0] = segmentEnds(segment);
  const sRef = start ? anchorPoint(start.shape, start.anchor) : s0;
  const eRef = end ? anchorPoint(end.shape, end.anchor) : e0;
  let points: Point[];
  if (segment.route === 'elbow') {
    const s = start ? elbowEnd(start.shape, sRef, eRef) : null;
    const e = end ? elbowEnd(end.shape, eRef, sRef) : null;
    points = elbowRoute(s?.p ?? s0, s?.out ?? null, e?.p ?? e0, e?.out ?? null);
  } else {
    // A curve leaves towards its control point, a straight segment towards the other end.
    const control =
      segment.route === 'curved' && segment.bend !== 0
        ? curveControl(sRef, eRef, segment.bend)
        : null;
    const s = start ? clipToOutline(start.shape, control ?? eRef, sRef) : s0;
    const e = end ? clipToOutline(end.shape, control ?? sRef, eRef) : e0;
    points = [s, e];
  }
  return { ...segment, ...fromAbsolutePoints(flatten(points), 2) };
}
