import { isImage, type NewShape, type Point, type Shape } from '@drawbridge/board';
import { IMAGE_TYPES } from '@drawbridge/protocol';
import type { Editor } from '../canvas/Editor.js';
import type { ImagePicker } from '../canvas/tools/ToolHost.js';
import type { AssetCache } from './AssetCache.js';
import type { AssetLoader } from './AssetLoader.js';
import { UploadRefused } from './assetApi.js';
import { ImageRefused, type PreparedImage, prepareImage } from './prepareImage.js';
import type { UploadQueue } from './UploadQueue.js';

export interface ImageInserterDeps {
  editor: Editor;
  loader: AssetLoader;
  uploads: UploadQueue;
  cache: AssetCache;
  notify: (message: string, kind?: 'error') => void;
}

/** Picked files may be any of these; SVG is drawn into a PNG before it goes anywhere. */
const ACCEPT = [...IMAGE_TYPES, 'image/svg+xml', '.svg'].join(',');
/** A new image takes at most this share of the view, so it never lands larger than the screen. */
const VIEW_SHARE = 0.6;
const GAP = 24;

/**
 * Adds pictures to a board: picked, pasted or dropped. Each is prepared (format from its bytes,
 * SVG rasterised, large ones scaled down), shown at once from this browser, and uploaded
 * before its shape is added when the server can be reached; otherwise it is owed (kept in
 * IndexedDB) and uploaded before the board rejoins. A refused file is reported and not added.
 */
export class ImageInserter implements ImagePicker {
  readonly #deps: ImageInserterDeps;

  constructor(deps: ImageInserterDeps) {
    this.#deps = deps;
  }

  pick(at: Point): void {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = ACCEPT;
    input.multiple = true;
    input.style.display = 'none';
    input.dataset.testid = 'image-file';
    input.addEventListener('change', () => {
      const files = [...(input.files ?? [])];
      input.remove();
      if (files.length > 0) void this.insert(files, at);
    });
    input.addEventListener('cancel', () => input.remove());
    document.body.append(input);
    input.click();
  }

  /** Adds the files as images centred on `at` (default: the view's centre); their ids. */
  async insert(files: readonly Blob[], at?: Point): Promise<string[]> {
    const { editor, loader, uploads, notify } = this.#deps;
    if (editor.readonly || files.length === 0) return [];
    const ready: PreparedImage[] = [];
    for (const file of files) {
      try {
        const image = await prepareImage(file);
        await loader.add(image.assetId, image.blob);
        await uploads.add(image.assetId, image.blob);
        ready.push(image);
      } catch (error) {
        if (error instanceof ImageRefused) notify(error.message, 'error');
        else if (error instanceof UploadRefused)
          notify(`Image not added: ${error.message}`, 'error');
        else notify('The image could not be added.', 'error');
      }
    }
    if (ready.length === 0 || editor.readonly) return [];
    const centre = at ?? editor.camera.screenToBoard(editor.camera.center());
    return editor.commands.insert(this.#layout(ready), centre);
  }

  /**
   * Image shapes that arrived from elsewhere (pasted from another board, a board file): this
   * board owes the server their pictures, when this browser has them.
   */
  async adopt(shapes: readonly Shape[]): Promise<void> {
    const { cache, uploads } = this.#deps;
    const ids = new Set(shapes.filter(isImage).map((shape) => shape.assetId));
    for (const assetId of ids) {
      const blob = await cache.get(assetId);
      if (blob) await uploads.add(assetId, blob).catch(() => undefined);
    }
  }

  /** Side by side, each at its natural size scaled to fit a share of the view. */
  #layout(images: readonly PreparedImage[]): NewShape[] {
    const { editor } = this.#deps;
    const view = editor.camera.viewportBounds();
    const maxW = (view.w * VIEW_SHARE) / images.length;
    const maxH = view.h * VIEW_SHARE;
    let x = 0;
    return images.map((image) => {
      const scale = Math.min(1, maxW / image.width, maxH / image.height);
      const w = Math.max(1, Math.round(image.width * scale));
      const h = Math.max(1, Math.round(image.height * scale));
      const shape = {
        type: 'image',
        x,
        y: 0,
        w,
        h,
        stroke: '#1e1e1e',
        fill: 'none',
        strokeWidth: 0,
        assetId: image.assetId,
        naturalWidth: image.width,
        naturalHeight: image.height,
      } as NewShape;
      x += w + GAP;
      return shape;
    });
  }
}
