import { type Shape, shapesBounds } from '@drawbridge/board';
import { EXPORT_THEME } from './render/canvasTheme.js';
import type { ShapeRenderer } from './render/ShapeRenderer.js';

export const THUMBNAIL_WIDTH = 320;
export const THUMBNAIL_HEIGHT = 200;

/**
 * A small picture of the board for the home page: every shape fitted into 320 x 200 on white
 * (never enlarged past 1:1, so a board with one small shape does not show a giant blob).
 */
export function renderThumbnail(shapes: readonly Shape[], renderer: ShapeRenderer): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = THUMBNAIL_WIDTH;
  canvas.height = THUMBNAIL_HEIGHT;
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('Canvas 2D is not available'));
  ctx.fillStyle = EXPORT_THEME.background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const bounds = shapesBounds(shapes);
  if (bounds) {
    const pad = 12;
    const scale = Math.min(
      1,
      (THUMBNAIL_WIDTH - pad * 2) / Math.max(1, bounds.w),
      (THUMBNAIL_HEIGHT - pad * 2) / Math.max(1, bounds.h),
    );
    const x = (THUMBNAIL_WIDTH - bounds.w * scale) / 2 - bounds.x * scale;
    const y = (THUMBNAIL_HEIGHT - bounds.h * scale) / 2 - bounds.y * scale;
    ctx.setTransform(scale, 0, 0, scale, x, y);
    for (const shape of shapes) renderer.draw(ctx, shape, EXPORT_THEME);
  }
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))),
      'image/png',
    ),
  );
}
