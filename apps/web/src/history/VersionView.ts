import { BoardModel } from '@drawbridge/board';
import * as Y from 'yjs';
import { Editor } from '../canvas/Editor.js';
import type { Measure } from '../canvas/textFit.js';
import type { VersionListing } from './versionsApi.js';

export interface CameraView {
  readonly x: number;
  readonly y: number;
  readonly zoom: number;
}

/**
 * One version open read-only: its own document and an editor over it that can only look (pan,
 * zoom, select), shown in place of the live board. Nothing here reaches the live document or
 * the server; a bad update from the server leaves an empty, harmless view.
 */
export class VersionView {
  readonly doc = new Y.Doc();
  readonly model: BoardModel;
  readonly editor: Editor;

  constructor(
    readonly listing: VersionListing,
    state: Uint8Array,
    measure: Measure,
    /** Where the live board is looked at: the version opens at the same place. */
    camera: CameraView | null,
  ) {
    try {
      Y.applyUpdate(this.doc, state);
    } catch {
      // Shown as an empty board: the live one is untouched either way.
    }
    this.model = new BoardModel(this.doc);
    this.model.readonly = true;
    this.editor = new Editor(this.model, { measure });
    this.editor.setReadonly(true);
    if (camera) this.editor.camera.setView(camera.x, camera.y, camera.zoom);
  }

  destroy(): void {
    this.editor.destroy();
    this.model.destroy();
    this.doc.destroy();
  }
}
