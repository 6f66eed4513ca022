/** The version-file worker thread: a version's Yjs state as a board file (see `VersionFiles`). */
import { readBindings, readBoardName, readShapes, serializeBoard } from '@drawbridge/board';
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
});
