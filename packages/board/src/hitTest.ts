/**
 * Whether a board point hits a shape: on its outline (or anywhere inside when it is filled or
 * holds text), in its upright frame so rotated shapes are hit where they show.
 */
import { shapeBounds } from './bounds.js';
import { distanceToSegment, type Point } from './geometry.js';
import { outlineContains } from './outline.js';
import { toLocal } from './rotation.js';
import { pathPolyline, segmentPath } from './route.js';
import { isSegment, type Shape } from './schema.js';
import { labelArea, segmentLabelPoint } from './textLayout.js';

function nearPolyline(points: readonly Point[], p: Point, slack: number): boolean {
  if (points.length === 1) return Math.hypot(p.x - points[0]!.x, p.y - points[0]!.y) <= slack;
  for (let i = 0; i + 1 < points.length; i++) {
    if (distanceToSegment(p, points[i]!, points[i + 1]!) <= slack) return true;
  }
  return false;
}

const inside = (b: { x: number; y: number; w: number; h: number }, p: Point): boolean =>
  p.x >= b.x && p.x <= b.x + b.w && p.y >= b.y && p.y <= b.y + b.h;

/** Whether a board point hits the shape, with `tolerance` board units of slack. */
export function hitTest(shape: Shape, p: Point, tolerance: number): boolean {
  const slack = tolerance + shape.strokeWidth / 2;
  const b = shapeBounds(shape);
  const labelled = 'label' in shape && shape.label.length > 0;
  const reach = slack + (isSegment(shape) && labelled ? shape.fontSize * 8 : 0);
  if (
    p.x < b.x - reach ||
    p.x > b.x + b.w + reach ||
    p.y < b.y - reach ||
    p.y > b.y + b.h + reach
  ) {
    return false;
  }
  switch (shape.type) {
    case 'text':
    case 'sticky':
    case 'image':
      return outlineContains(shape, p, slack);
    case 'rect':
    case 'ellipse':
    case 'diamond': {
      if (!outlineContains(shape, p, slack)) return false;
      if (shape.fill !== 'none') return true;
      if (labelled && inside(labelArea(shape), toLocal(shape, p))) return true;
      const small = Math.min(shape.w, shape.h) / 2 <= slack;
      return small || !outlineContains(shape, p, -slack);
    }
    case 'line':
    case 'arrow': {
      if (nearPolyline(pathPolyline(segmentPath(shape)), p, slack)) return true;
      return labelled && segmentLabelHit(shape, p);
    }
    case 'pen': {
      const q = toLocal(shape, p);
      const pts = shape.points;
      const list: Point[] = [];
      for (let i = 0; i + 1 < pts.length; i += 3) {
        list.push({ x: shape.x + pts[i]!, y: shape.y + pts[i + 1]! });
      }
      return nearPolyline(list, q, slack);
    }
  }
}

/** A rough box around a segment's label (the renderer measures the real one). */
function segmentLabelHit(shape: Extract<Shape, { type: 'line' | 'arrow' }>, p: Point): boolean {
  const lines = shape.label.split('\n');
  const longest = Math.max(...lines.map((line) => line.length));
  const w = Math.min(longest * shape.fontSize * 0.6, shape.fontSize * 12) + shape.fontSize / 2;
  const h = lines.length * shape.fontSize * 1.25;
  const mid = segmentLabelPoint(shape);
  return Math.abs(p.x - mid.x) <= w / 2 && Math.abs(p.y - mid.y) <= h / 2;
}
