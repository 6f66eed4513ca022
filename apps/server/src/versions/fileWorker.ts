/**
 * The version worker thread (see `VersionFiles`): a version's Yjs state as a board file, and the
 * change that makes a board equal to a version.
 */
import {
  type RestoreSummary,
  readBindings,
  readBoardName,
  readShapes,
  restoreBoard,
  serializeBoard,
} from '@drawbridge/board';
import * as Y from 'yjs';
import { serverDoc } from '../serverDoc.js';
import { ownBytes, serveRpc, Transfer } from '../workers/serveRpc.js';
import { lowerThreadPriority } from '../workers/threadPriority.js';

// Background work: the event loop and the storage commits come first when CPU is short.
lowerThreadPriority();

const encoder = new TextEncoder();

serveRpc({
  file: (state: Uint8Array) => {
    const doc = serverDoc('version');
    try {
      Y.applyUpdate(doc, state);
      const file = ownBytes(
        encoder.encode(serializeBoard(readBoardName(doc), readShapes(doc), readBindings(doc))),
      );
      return new Transfer(file, [file.buffer as ArrayBuffer]);
    } finally {
      doc.destroy();
    }
  },
  /** The update that makes `board` equal to `version` (null: it is already), and what it does. */
  restore: (board: Uint8Array, version: Uint8Array) => {
    const target = serverDoc('restore');
    const source = serverDoc('version');
    try {
      Y.applyUpdate(target, board);
      Y.applyUpdate(source, version);
      const made: { update: Uint8Array | null } = { update: null };
      target.on('update', (u: Uint8Array) => {
        made.update = u;
      });
      let summary: RestoreSummary = { added: 0, removed: 0, changed: 0 };
      target.transact(() => {
        summary = restoreBoard(target, source);
      });
      const moved = made.update && ownBytes(made.update);
      return new Transfer({ update: moved, summary }, moved ? [moved.buffer as ArrayBuffer] : []);
    } finally {
      target.destroy();
      source.destroy();
    }
  },
});
