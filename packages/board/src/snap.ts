/**
 * Snapping to other shapes' edges and centres while moving or resizing: the smallest nudge
 * within `threshold` that lines something up, per axis, and the guides that show what lined up.
 */
import type { Point } from './geometry.js';
import type { Bounds } from './schema.js';

export interface Guide {
  /** `x`: a vertical guide at x = `at`; `y`: a horizontal one at y = `at`. */
  axis: 'x' | 'y';
  at: number;
  from: number;
  to: number;
}

export interface SnapResult {
  dx: number;
  dy: number;
  guides: Guide[];
}

/** Left, centre and right (or top, middle, bottom) of a box. */
const lines = (b: Bounds, axis: 'x' | 'y'): number[] =>
  axis === 'x' ? [b.x, b.x + b.w / 2, b.x + b.w] : [b.y, b.y + b.h / 2, b.y + b.h];

/** The offset on one axis that lines up one of `mine` with one of the others, if any. */
function bestOffset(mine: number[], others: readonly Bounds[], axis: 'x' | 'y', threshold: number) {
  let best: number | null = null;
  for (const other of others) {
    for (const target of lines(other, axis)) {
      for (const line of mine) {
        const offset = target - line;
        if (Math.abs(offset) <= threshold && (best === null || Math.abs(offset) < Math.abs(best))) {
          best = offset;
        }
      }
    }
  }
  return best;
}

/** Guides along `axis` for every line of `box` that now coincides with a line of another. */
function guidesFor(box: Bounds, others: readonly Bounds[], axis: 'x' | 'y'): Guide[] {
  const guides: Guide[] = [];
  const cross = axis === 'x' ? 'y' : 'x';
  const span = (b: Bounds): [number, number] =>
    cross === 'y' ? [b.y, b.y + b.h] : [b.x, b.x + b.w];
  for (const at of new Set(lines(box, axis))) {
    let [from, to] = span(box);
    let found = false;
    for (const other of others) {
      if (!lines(other, axis).some((line) => Math.abs(line - at) < 0.01)) continue;
      const [a, b] = span(other);
      from = Math.min(from, a);
      to = Math.max(to, b);
      found = true;
    }
    if (found) guides.push({ axis, at, from, to });
  }
  return guides;
}

/** Snaps a moving box to `others`. */
export function snapBox(moving: Bounds, others: readonly Bounds[], threshold: number): SnapResult {
  const dx = bestOffset(lines(moving, 'x'), others, 'x', threshold) ?? 0;
  const dy = bestOffset(lines(moving, 'y'), others, 'y', threshold) ?? 0;
  const snapped = { ...moving, x: moving.x + dx, y: moving.y + dy };
  const guides = [
    ...(dx !== 0 || bestOffset(lines(snapped, 'x'), others, 'x', 0.01) !== null
      ? guidesFor(snapped, others, 'x')
      : []),
    ...(dy !== 0 || bestOffset(lines(snapped, 'y'), others, 'y', 0.01) !== null
      ? guidesFor(snapped, others, 'y')
      : []),
  ];
  return { dx, dy, guides };
}

/** Snaps a dragged point (a resize handle) on the axes it moves along. */
export function snapPoint(
  p: Point,
  others: readonly Bounds[],
  threshold: number,
  axes: { x: boolean; y: boolean },
): SnapResult {
  const dx = axes.x ? (bestOffset([p.x], others, 'x', threshold) ?? 0) : 0;
  const dy = axes.y ? (bestOffset([p.y], others, 'y', threshold) ?? 0) : 0;
  const at = { x: p.x + dx, y: p.y + dy, w: 0, h: 0 };
  const guides: Guide[] = [];
  if (axes.x && bestOffset([at.x], others, 'x', 0.01) !== null) {
    guides.push(...guidesFor(at, others, 'x').filter((g) => Math.abs(g.at - at.x) < 0.01));
  }
  if (axes.y && bestOffset([at.y], others, 'y', 0.01) !== null) {
    guides.push(...guidesFor(at, others, 'y').filter((g) => Math.abs(g.at - at.y) < 0.01));
  }
  return { dx, dy, guides };
}
