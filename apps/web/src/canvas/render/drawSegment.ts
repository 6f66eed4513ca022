import { type HeadGeometry, type SegmentShape, segmentHeads, segmentPath } from '@drawbridge/board';
import { paintPath } from './drawBox.js';

type Context = CanvasRenderingContext2D;

function drawHead(ctx: Context, head: HeadGeometry, width: number, ink: string): void {
  ctx.beginPath();
  if (head.kind === 'dot') {
    ctx.arc(head.tip.x, head.tip.y, head.radius, 0, Math.PI * 2);
    ctx.fillStyle = ink;
    ctx.fill();
    return;
  }
  ctx.moveTo(head.left.x, head.left.y);
  ctx.lineTo(head.tip.x, head.tip.y);
  ctx.lineTo(head.right.x, head.right.y);
  if (head.kind === 'triangle') {
    ctx.closePath();
    ctx.fillStyle = ink;
    ctx.fill();
  }
  if (width <= 0) return;
  ctx.lineWidth = width;
  ctx.strokeStyle = ink;
  ctx.stroke();
}

/** A line or arrow: its path (straight, curved or elbow), dashes and heads. */
export function drawSegment(ctx: Context, shape: SegmentShape, ink: string): void {
  const path = segmentPath(shape);
  ctx.beginPath();
  if (path.kind === 'curve') {
    ctx.moveTo(path.from.x, path.from.y);
    ctx.quadraticCurveTo(path.control.x, path.control.y, path.to.x, path.to.y);
  } else {
    const [first, ...rest] = path.points;
    if (!first) return;
    ctx.moveTo(first.x, first.y);
    for (const p of rest) ctx.lineTo(p.x, p.y);
  }
  paintPath(ctx, shape, ink, false);
  // Heads are always solid: a dashed barb reads as a broken one.
  for (const head of segmentHeads(shape, path)) drawHead(ctx, head, shape.strokeWidth, ink);
}
