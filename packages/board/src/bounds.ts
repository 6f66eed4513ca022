/**
 * Axis-aligned boxes around shapes as drawn: rotation, curves and elbows included. The frame
 * (x, y, w, h) of a rotated box or a curved arrow is not where it shows; these are.
 */
import { estimateTextWidth, LINE_HEIGHT, pointsBounds, unionBounds } from './geometry.js';
import { rotatedBoxBounds, rotatedEllipseBounds } from './rotation.js';
import { pathPolyline, segmentPath } from './route.js';
import { type Bounds, isSegment, type Shape } from './schema.js';
import { segmentLabelPoint } from './textLayout.js';

/** The outline's box on the board, without stroke. */
export function shapeBounds(shape: Shape): Bounds {
  if (isSegment(shape)) {
    const line = pathPolyline(segmentPath(shape));
    return pointsBounds(
      line.flatMap((p) => [p.x, p.y]),
      2,
    );
  }
  if (shape.type === 'ellipse') return rotatedEllipseBounds(shape, shape.rotation);
  return rotatedBoxBounds(shape, shape.rotation);
}

/** Bounds including the stroke, arrowheads and a segment's label: for culling and export. */
export function visualBounds(shape: Shape): Bounds {
  const b = shapeBounds(shape);
  const heads = isSegment(shape) && (shape.startHead !== 'none' || shape.endHead !== 'none');
  const pad = shape.strokeWidth / 2 + (heads ? shape.strokeWidth * 3 : 0) + 1;
  const padded = { x: b.x - pad, y: b.y - pad, w: b.w + pad * 2, h: b.h + pad * 2 };
  if (!isSegment(shape) || !shape.label) return padded;
  // An estimate is enough here: it only has to contain the label for culling.
  const lines = shape.label.split('\n');
  const width = Math.max(...lines.map(estimateTextWidth(shape.fontSize))) + shape.fontSize;
  const height = (lines.length + 1) * shape.fontSize * LINE_HEIGHT;
  const middle = segmentLabelPoint(shape);
  const label = { x: middle.x - width / 2, y: middle.y - height / 2, w: width, h: height };
  return unionBounds([padded, label])!;
}

/** The outline boxes of several shapes together. */
export const shapesOutline = (shapes: readonly Shape[]): Bounds | null =>
  unionBounds(shapes.map(shapeBounds));
