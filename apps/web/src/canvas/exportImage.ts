import { type Bounds, isImage, type Shape, shapesBounds, toSvg } from '@drawbridge/board';
import { EXPORT_THEME } from './render/canvasTheme.js';
import type { ShapeRenderer } from './render/ShapeRenderer.js';
import type { Measure } from './textFit.js';

export const EXPORT_PADDING = 16;
export const PNG_SCALE = 2;
/** Browsers refuse canvases past about this many pixels; larger exports scale down. */
const MAX_PIXELS = 64 * 1024 * 1024;
const MAX_SIDE = 16_384;

const EMPTY: Bounds = { x: 0, y: 0, w: 0, h: 0 };

/** Where exports get pictures from: a board's `AssetLoader`. */
export interface ExportImages {
  settle(assetIds: readonly string[], timeoutMs?: number): Promise<void>;
  blob(assetId: string, timeoutMs?: number): Promise<Blob | null>;
}

const assetIdsOf = (shapes: readonly Shape[]) => [
  ...new Set(shapes.filter(isImage).map((shape) => shape.assetId)),
];

/**
 * A PNG of the shapes drawn by the screen renderer: their bounds padded by 16 units, at 2x,
 * on white. Its size is ceil((w + 32) * 2) by ceil((h + 32) * 2). Pictures still loading are
 * waited for (a while): an export shows what the board shows once loaded.
 */
export async function exportPng(
  shapes: readonly Shape[],
  renderer: ShapeRenderer,
  images?: ExportImages,
): Promise<Blob> {
  await images?.settle(assetIdsOf(shapes));
  const bounds = shapesBounds(shapes) ?? EMPTY;
  const areaW = bounds.w + EXPORT_PADDING * 2;
  const areaH = bounds.h + EXPORT_PADDING * 2;
  let scale = PNG_SCALE;
  const fit = Math.min(1, MAX_SIDE / (areaW * scale), MAX_SIDE / (areaH * scale));
  const pixels = areaW * areaH * scale * scale;
  scale *= Math.min(fit, pixels > MAX_PIXELS ? Math.sqrt(MAX_PIXELS / pixels) : 1);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.ceil(areaW * scale));
  canvas.height = Math.max(1, Math.ceil(areaH * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('Canvas 2D is not available'));
  ctx.fillStyle = EXPORT_THEME.background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const originX = bounds.x - EXPORT_PADDING;
  const originY = bounds.y - EXPORT_PADDING;
  ctx.setTransform(scale, 0, 0, scale, -originX * scale, -originY * scale);
  for (const shape of shapes) renderer.draw(ctx, shape, EXPORT_THEME);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))),
      'image/png',
    ),
  );
}

const dataUrl = (blob: Blob): Promise<string> =>
  new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });

/** An SVG of the shapes that stands alone: pictures are embedded as data URLs. */
export async function exportSvg(
  shapes: readonly Shape[],
  measure: Measure,
  images?: ExportImages,
): Promise<string> {
  const urls = new Map<string, string>();
  for (const assetId of assetIdsOf(shapes)) {
    const blob = await images?.blob(assetId);
    if (blob) urls.set(assetId, await dataUrl(blob));
  }
  return toSvg(shapes, {
    padding: EXPORT_PADDING,
    background: '#ffffff',
    measure,
    images: (assetId) => urls.get(assetId) ?? null,
  });
}
