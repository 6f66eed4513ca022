import type { Bounds } from '@drawbridge/board';
import { isImage, readShapes, type Shape, shapesBounds, toSvg } from '@drawbridge/board';
import { Resvg } from '@resvg/resvg-js';
import type * as Y from 'yjs';
import { documentVersion } from '../rooms/documentVersion.js';

export const PREVIEW_WIDTH = 1200;
export const PREVIEW_HEIGHT = 630;

interface CachedPreview {
  version: string;
  png: Buffer;
  /** Every picture the board refers to was found. */
  complete: boolean;
}

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

/**
 * Board thumbnails (Open Graph images): the shared shape schema rendered to SVG, rasterised by
 * resvg. One cached PNG per board, reused while the board's state vector is unchanged.
 */
export class PreviewRenderer {
  readonly #cache = new Map<string, CachedPreview>();
  readonly #maxEntries: number;

  constructor(maxEntries = 256) {
    this.#maxEntries = maxEntries;
  }

  /**
   * The version tag of a board's current content (used as the ETag): its state vector and
   * delete set, since a deletion does not advance the state vector.
   */
  static version(doc: Y.Doc): string {
    return documentVersion(doc);
  }

  /**
   * The board's preview. The shapes are read from `doc` at once (the caller may release the
   * board right after the call); `images` then loads the pictures of the image shapes (a data
   * URL each, or null for one that is stored but cannot be drawn), and those it cannot give
   * show as placeholders. A preview is reused while the board is unchanged and every picture it
   * refers to was found (an image uploaded after its shape shows on the next request).
   */
  async render(
    boardId: string,
    doc: Y.Doc,
    images: (assetIds: string[]) => Promise<Map<string, string | null>> = async () => new Map(),
  ): Promise<{ png: Buffer; version: string }> {
    const version = PreviewRenderer.version(doc);
    const shapes = readShapes(doc);
    const cached = this.#cache.get(boardId);
    if (cached?.version === version && cached.complete) return { png: cached.png, version };
    const assetIds = [...new Set(shapes.filter(isImage).map((shape) => shape.assetId))];
    const found = assetIds.length > 0 ? await images(assetIds) : new Map<string, string | null>();
    const png = rasterise(shapes, found);
    const complete = found.size === assetIds.length;
    this.#store(boardId, { version, png, complete });
    // The tag differs until every picture shows, so a client's placeholder copy is replaced.
    return { png, version: complete ? version : `${version}-partial` };
  }

  #store(boardId: string, entry: CachedPreview): void {
    this.#cache.delete(boardId);
    this.#cache.set(boardId, entry);
    if (this.#cache.size > this.#maxEntries) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
  }
}

function rasterise(shapes: readonly Shape[], images: Map<string, string | null>): Buffer {
  const content = shapesBounds(shapes) ?? { x: 0, y: 0, w: PREVIEW_WIDTH, h: PREVIEW_HEIGHT };
  const padded = { x: content.x - 32, y: content.y - 32, w: content.w + 64, h: content.h + 64 };
  const svg = toSvg(shapes, {
    padding: 0,
    background: '#ffffff',
    bounds: fitAspect(padded),
    images: (assetId) => images.get(assetId) ?? null,
    missingImageLabel: 'image',
  });
  return new Resvg(svg, {
    fitTo: { mode: 'width', value: PREVIEW_WIDTH },
    font: { loadSystemFonts: true },
  })
    .render()
    .asPng();
}
