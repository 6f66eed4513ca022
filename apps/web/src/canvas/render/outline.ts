import { isSegment, rotatedCorners, type Shape, shapeBounds } from '@drawbridge/board';

/**
 * Strokes a thin outline around a shape as it shows: its turned frame, or the box around a
 * line. `pad` and `width` are in board units.
 */
export function strokeOutline(
  ctx: CanvasRenderingContext2D,
  shape: Shape,
  color: string,
  width: number,
  pad: number,
): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.beginPath();
  if (isSegment(shape)) {
    const b = shapeBounds(shape);
    ctx.rect(b.x - pad, b.y - pad, b.w + pad * 2, b.h + pad * 2);
  } else {
    const grown = {
      x: shape.x - pad,
      y: shape.y - pad,
      w: shape.w + pad * 2,
      h: shape.h + pad * 2,
    };
    const [first, ...rest] = rotatedCorners(grown, shape.rotation);
    ctx.moveTo(first.x, first.y);
    for (const p of rest) ctx.lineTo(p.x, p.y);
    ctx.closePath();
  }
  ctx.stroke();
}

export function strokeBox(
  ctx: CanvasRenderingContext2D,
  b: { x: number; y: number; w: number; h: number },
  color: string,
  width: number,
): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.strokeRect(b.x, b.y, b.w, b.h);
}
