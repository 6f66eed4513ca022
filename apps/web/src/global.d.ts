import type { BoardModel } from '@drawbridge/board';
import type { BoardProvider } from '@drawbridge/client';
import type * as Y from 'yjs';
import type { Editor } from './canvas/Editor.js';
import type { FollowController } from './collab/Follow.js';

/** The test hook, set once a board is open (see app/testHooks.ts). */
export interface DrawbridgeTestHook {
  doc: Y.Doc;
  model: BoardModel;
  provider: BoardProvider;
  editor: Editor;
  /** Whom this page follows. */
  follow: FollowController;
  /** PNG of the selection, or of the whole board: bounds + 16 padding, at 2x, on white. */
  exportPng(): Promise<Blob>;
  /** SVG of the selection, or of the whole board (pictures embedded). */
  exportSvg(): Promise<string>;
  /** Whether an image shape's picture is shown, on its way or missing. */
  imageStatus(assetId: string): 'loading' | 'ready' | 'missing';
}

declare global {
  interface Window {
    __drawbridge?: DrawbridgeTestHook;
  }
}
