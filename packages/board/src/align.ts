/** Aligning and distributing boxes: offsets only, so callers move whole groups by them. */
import type { Point } from './geometry.js';
import { unionBounds } from './geometry.js';
import type { Bounds } from './schema.js';

export const AlignMode = {
  LEFT: 'left',
  CENTER: 'center',
  RIGHT: 'right',
  TOP: 'top',
  MIDDLE: 'middle',
  BOTTOM: 'bottom',
} as const;
export type AlignMode = (typeof AlignMode)[keyof typeof AlignMode];

/** How far each box moves to line up with the others' common edge or centre. */
export function alignOffsets(boxes: readonly Bounds[], mode: AlignMode): Point[] {
  const all = unionBounds(boxes);
  if (!all || boxes.length < 2) return boxes.map(() => ({ x: 0, y: 0 }));
  const target: Record<AlignMode, (b: Bounds) => Point> = {
    left: (b) => ({ x: all.x - b.x, y: 0 }),
    center: (b) => ({ x: all.x + all.w / 2 - (b.x + b.w / 2), y: 0 }),
    right: (b) => ({ x: all.x + all.w - (b.x + b.w), y: 0 }),
    top: (b) => ({ x: 0, y: all.y - b.y }),
    middle: (b) => ({ x: 0, y: all.y + all.h / 2 - (b.y + b.h / 2) }),
    bottom: (b) => ({ x: 0, y: all.y + all.h - (b.y + b.h) }),
  };
  return boxes.map(target[mode]);
}

/**
 * How far each box moves so the gaps between neighbours (in order along `axis`) are equal;
 * the first and last boxes stay. Needs three boxes or more.
 */
export function distributeOffsets(boxes: readonly Bounds[], axis: 'x' | 'y'): Point[] {
  const offsets = boxes.map(() => ({ x: 0, y: 0 }));
  if (boxes.length < 3) return offsets;
  const start = (b: Bounds) => (axis === 'x' ? b.x : b.y);
  const size = (b: Bounds) => (axis === 'x' ? b.w : b.h);
  const order = boxes
    .map((b, i) => ({ b, i }))
    .sort((p, q) => start(p.b) + size(p.b) / 2 - (start(q.b) + size(q.b) / 2));
  const first = order[0]!.b;
  const last = order[order.length - 1]!.b;
  const span = start(last) + size(last) - start(first);
  const total = order.reduce((sum, { b }) => sum + size(b), 0);
  const gap = (span - total) / (order.length - 1);
  let at = start(first);
  for (const { b, i } of order) {
    const delta = at - start(b);
    offsets[i] = axis === 'x' ? { x: delta, y: 0 } : { x: 0, y: delta };
    at += size(b) + gap;
  }
  return offsets;
}
