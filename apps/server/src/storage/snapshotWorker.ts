/**
 * The snapshot worker of every storage: builds a board's snapshot (compaction) or a version
 * from its stored records, so a large Yjs decode and encode never runs on the event loop, nor
 * in the SQLite worker that also serves the commits.
 */
import { type Packed, unpack } from '../workers/packing.js';
import { ownBytes, serveRpc, Transfer } from '../workers/serveRpc.js';
import { lowerThreadPriority } from '../workers/threadPriority.js';
import { buildSnapshot } from './snapshot.js';
import { buildVersion } from './versionSnapshot.js';

// Background work: the event loop and the storage commits come first when CPU is short.
lowerThreadPriority();

serveRpc({
  build: (packed: Packed) => {
    const built = buildSnapshot(unpack(packed));
    // Moved, not copied, to the caller; a view into a larger buffer is copied first.
    const own = ownBytes(built);
    return new Transfer(own, [own.buffer as ArrayBuffer]);
  },
  /** A version: the board's content deflated, and the assets it refers to. */
  version: (packed: Packed) => {
    const built = buildVersion(unpack(packed));
    const data = ownBytes(built.data);
    return new Transfer({ ...built, data }, [data.buffer as ArrayBuffer]);
  },
});
