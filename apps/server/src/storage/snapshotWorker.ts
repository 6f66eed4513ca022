/**
 * The compaction worker of every storage: builds a board's snapshot from its stored records,
 * so a large Yjs decode and encode never runs on the server's event loop.
 */

import { type Packed, unpack } from '../workers/packing.js';
import { serveRpc, Transfer } from '../workers/serveRpc.js';
import { buildSnapshot } from './snapshot.js';

serveRpc({
  build: (packed: Packed) => {
    const updates = unpack(packed);
    const snapshot = buildSnapshot(updates);
    // Moved, not copied, to the caller; a view into a larger buffer is copied first.
    const own =
      snapshot.byteOffset === 0 && snapshot.byteLength === snapshot.buffer.byteLength
        ? snapshot
        : snapshot.slice();
    return new Transfer(own, [own.buffer as ArrayBuffer]);
  },
});
