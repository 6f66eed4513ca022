import type { Bounds } from '@drawbridge/board';
import { isImage, readShapes, shapesBounds, toSvg } from '@drawbridge/board';
import { skipFreeParts } from '@drawbridge/protocol';
import { Resvg } from '@resvg/resvg-js';
import * as Y from 'yjs';
import { serverDoc } from '../serverDoc.js';
import { PREVIEW_HEIGHT, PREVIEW_WIDTH } from './previewSize.js';

/** Expands `area` to the preview's aspect ratio, keeping it centred. */
function fitAspect(area: Bounds): Bounds {
  const aspect = PREVIEW_WIDTH / PREVIEW_HEIGHT;
  let { x, y, w, h } = area;
  if (w / h > aspect) {
    const nh = w / aspect;
    y -= (nh - h) / 2;
    h = nh;
  } else {
    const nw = h * aspect;
    x -= (nw - w) / 2;
    w = nw;
  }
  return { x, y, w, h };
}

export type PreviewResult =
  | { png: Uint8Array; complete: boolean }
  /** The board shows pictures: ask again with `images` for these ids. */
  | { needs: string[] };

/**
 * A board's thumbnail from its stored updates: the shared shape schema rendered to SVG, then
 * rasterised by resvg. Runs in the preview worker: decoding and rendering a large board takes
 * seconds of CPU that must never be the event loop's. Pictures come in `images` (a data URL per
 * asset id, null for one stored but not drawable); without it, a board with pictures answers
 * which ones it needs. Those not given show as placeholders.
 */
export function renderPreview(
  updates: readonly Uint8Array[],
  images: Record<string, string | null> | null,
): PreviewResult {
  const doc = serverDoc('preview');
  try {
    for (const update of updates) {
      try {
        for (const part of skipFreeParts(update)) Y.applyUpdate(doc, part);
      } catch {
        // A record that does not decode is left out of the picture, as out of the board.
      }
    }
    const shapes = readShapes(doc);
    const assetIds = [...new Set(shapes.filter(isImage).map((shape) => shape.assetId))];
    if (images === null && assetIds.length > 0) return { needs: assetIds };
    const found = images ?? {};
    const content = shapesBounds(shapes) ?? { x: 0, y: 0, w: PREVIEW_WIDTH, h: PREVIEW_HEIGHT };
    const padded = { x: content.x - 32, y: content.y - 32, w: content.w + 64, h: content.h + 64 };
    const svg = toSvg(shapes, {
      padding: 0,
      background: '#ffffff',
      bounds: fitAspect(padded),
      images: (assetId) => found[assetId] ?? null,
      missingImageLabel: 'image',
    });
    const png = new Resvg(svg, {
      fitTo: { mode: 'width', value: PREVIEW_WIDTH },
      font: { loadSystemFonts: true },
    })
      .render()
      .asPng();
    return { png, complete: assetIds.every((id) => id in found) };
  } finally {
    doc.destroy();
  }
}
