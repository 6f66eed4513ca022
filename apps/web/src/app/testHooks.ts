import type { Editor } from '../canvas/Editor.js';
import { type ExportImages, exportPng, exportSvg } from '../canvas/exportImage.js';
import type { ShapeRenderer } from '../canvas/render/ShapeRenderer.js';
import type { BoardSession } from '../collab/BoardSession.js';
import type { FollowController } from '../collab/Follow.js';
import type { DrawbridgeTestHook } from '../global.js';
import { exportedShapes } from './files.js';

/** The exports behind the buttons, also exposed on the test hook. */
export interface Exporter {
  /** The selection, or the whole board when nothing is selected. */
  png(): Promise<Blob>;
  svg(): Promise<string>;
  /** The whole board, whatever is selected (an embed's `exportPng` command). */
  boardPng(): Promise<Blob>;
}

export const createExporter = (
  editor: Editor,
  renderer: ShapeRenderer,
  images?: ExportImages,
): Exporter => ({
  png: () => exportPng(exportedShapes(editor), renderer, images),
  svg: () => exportSvg(exportedShapes(editor), editor.measure, images),
  boardPng: () => exportPng(editor.store.all(), renderer, images),
});

/** Sets `window.__drawbridge` for end-to-end tests; returns the cleanup. */
export function installTestHook(
  session: BoardSession,
  editor: Editor,
  exporter: Exporter,
  follow: FollowController,
): () => void {
  const hook: DrawbridgeTestHook = {
    doc: session.doc,
    model: session.model,
    provider: session.provider,
    editor,
    follow,
    exportPng: exporter.png,
    exportSvg: exporter.svg,
    imageStatus: (assetId) => session.images.image(assetId).status,
  };
  window.__drawbridge = hook;
  return () => {
    if (window.__drawbridge === hook) delete window.__drawbridge;
  };
}
