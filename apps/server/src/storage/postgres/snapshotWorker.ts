/**
 * The compaction worker of `PostgresStorage`: builds a board's snapshot or a version from its
 * stored records, so a large Yjs decode and encode never runs on the server's event loop.
 */

import { ownBytes, serveRpc, Transfer } from '../../workers/serveRpc.js';
import { buildSnapshot } from '../snapshot.js';
import { buildVersion } from '../versionSnapshot.js';

function unpack(packed: Uint8Array, lengths: number[]): Uint8Array[] {
  const updates: Uint8Array[] = [];
  let offset = 0;
  for (const length of lengths) {
    updates.push(packed.subarray(offset, offset + length));
    offset += length;
  }
  return updates;
}

serveRpc({
  /** `packed` holds the records back to back; `lengths` says where each ends. */
  build: (packed: Uint8Array, lengths: number[]) => {
    // Moved, not copied, to the caller; a view into a larger buffer is copied first.
    const own = ownBytes(buildSnapshot(unpack(packed, lengths)));
    return new Transfer(own, [own.buffer as ArrayBuffer]);
  },
  /** A version: the board's content deflated, and the assets it refers to. */
  version: (packed: Uint8Array, lengths: number[]) => {
    const built = buildVersion(unpack(packed, lengths));
    const data = ownBytes(built.data);
    return new Transfer({ ...built, data }, [data.buffer as ArrayBuffer]);
  },
});
