import { type BoxShape, dashArray, diamondCorners, rectRadius } from '@drawbridge/board';

type Context = CanvasRenderingContext2D;

/** A box's outline as the current path, in its upright frame. */
export function traceBox(ctx: Context, shape: BoxShape): void {
  ctx.beginPath();
  if (shape.type === 'rect') {
    ctx.roundRect(shape.x, shape.y, shape.w, shape.h, rectRadius(shape));
  } else if (shape.type === 'ellipse') {
    ctx.ellipse(
      shape.x + shape.w / 2,
      shape.y + shape.h / 2,
      shape.w / 2,
      shape.h / 2,
      0,
      0,
      Math.PI * 2,
    );
  } else {
    const [top, ...rest] = diamondCorners(shape);
    ctx.moveTo(top!.x, top!.y);
    for (const p of rest) ctx.lineTo(p.x, p.y);
    ctx.closePath();
  }
}

/** Fills and strokes the current path with the shape's fill, width and dash. */
export function paintPath(
  ctx: Context,
  shape: { fill: string; strokeWidth: number; dash: BoxShape['dash'] },
  ink: string,
  fill = true,
): void {
  if (fill && shape.fill !== 'none') {
    ctx.fillStyle = shape.fill;
    ctx.fill();
  }
  if (shape.strokeWidth <= 0) return;
  ctx.lineWidth = shape.strokeWidth;
  ctx.strokeStyle = ink;
  ctx.setLineDash(dashArray(shape.dash, shape.strokeWidth));
  ctx.stroke();
  ctx.setLineDash([]);
}

export function drawBox(ctx: Context, shape: BoxShape, ink: string): void {
  traceBox(ctx, shape);
  paintPath(ctx, shape, ink);
}
