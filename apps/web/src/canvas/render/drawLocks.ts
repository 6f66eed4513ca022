import { rotatedCorners, type Shape } from '@drawbridge/board';

/** A small padlock at the top-right corner of each locked shape, the same size on screen. */
export function drawLockMarkers(
  ctx: CanvasRenderingContext2D,
  shapes: readonly Shape[],
  zoom: number,
  color: string,
): void {
  const px = 1 / zoom;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 1.5 * px;
  ctx.lineCap = 'round';
  for (const shape of shapes) {
    if (!shape.locked) continue;
    const [, corner] = rotatedCorners(shape, shape.rotation);
    const x = corner.x - 6 * px;
    const y = corner.y - 14 * px;
    ctx.globalAlpha = 0.75;
    ctx.fillRect(x - 5 * px, y, 10 * px, 8 * px);
    ctx.beginPath();
    ctx.arc(x, y, 3.5 * px, Math.PI, 0);
    ctx.stroke();
  }
  ctx.restore();
}
