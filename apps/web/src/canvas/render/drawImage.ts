import { FONT_FAMILY, type ImageShape } from '@drawbridge/board';
import type { ImageSource } from '../../images/AssetLoader.js';
import type { CanvasTheme } from './canvasTheme.js';

type Context = CanvasRenderingContext2D;

/** No pictures at all (a renderer without a board's images): every image is a placeholder. */
export const NO_IMAGES: ImageSource = { image: () => ({ status: 'missing', bitmap: null }) };

/**
 * An image shape: the decoded picture stretched over its frame, or a placeholder that says
 * whether the picture is on its way or missing, never an empty or broken box.
 */
export function drawImageShape(
  ctx: Context,
  shape: ImageShape,
  images: ImageSource,
  theme: CanvasTheme,
): void {
  const { status, bitmap } = images.image(shape.assetId);
  if (status === 'ready' && bitmap) {
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, shape.x, shape.y, shape.w, shape.h);
    return;
  }
  drawPlaceholder(ctx, shape, status === 'missing' ? 'image missing' : 'image loading', theme);
}

function drawPlaceholder(ctx: Context, shape: ImageShape, label: string, theme: CanvasTheme): void {
  const dark = theme.name === 'dark';
  ctx.save();
  ctx.beginPath();
  ctx.rect(shape.x, shape.y, shape.w, shape.h);
  ctx.fillStyle = dark ? '#25252c' : '#f1f3f5';
  ctx.fill();
  ctx.clip();
  ctx.setLineDash([6, 4]);
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = dark ? '#5c5c66' : '#adb5bd';
  ctx.strokeRect(shape.x, shape.y, shape.w, shape.h);
  ctx.setLineDash([]);
  const size = Math.max(6, Math.min(16, shape.w / 10, shape.h / 3));
  ctx.font = `${size}px ${FONT_FAMILY}`;
  ctx.fillStyle = dark ? '#9a9aa5' : '#868e96';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(label, shape.x + shape.w / 2, shape.y + shape.h / 2);
  ctx.restore();
}
