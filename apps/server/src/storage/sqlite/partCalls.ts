import type { RpcWorker } from '../../workers/RpcWorker.js';

/** Parts deleted per call (one transaction each): about 1 MB. */
const PARTS_PER_DROP = 4;

/** The storage worker's calls for one kind of parts (snapshots', versions'). */
export interface PartMethods {
  /** `(boardId, token, idx, part, crc)`: stores one part; answers the checksum continued with it. */
  write: string;
  /** `(boardId, token, limit)`: deletes up to `limit` parts of `token`; answers how many. */
  drop: string;
}

export const SNAPSHOT_PART_METHODS: PartMethods = {
  write: 'writeSnapshotPart',
  drop: 'dropSnapshotParts',
};
export const VERSION_PART_METHODS: PartMethods = {
  write: 'versionWritePart',
  drop: 'versionDropParts',
};

/**
 * Writes `bytes` under `token` through the storage worker, `partBytes` at a time, each part a
 * call (and a commit) of its own, so the appends queued meanwhile commit between them; each
 * part is moved, not copied again. Returns how many parts there are and the checksum chained
 * from `crc` over them. On failure the parts written are deleted (best effort: what is left is
 * swept as an orphan later) and the error goes on.
 */
export async function writeParts(
  worker: RpcWorker,
  methods: PartMethods,
  boardId: string,
  token: string,
  bytes: Uint8Array,
  partBytes: number,
  crc: number,
): Promise<{ parts: number; crc: number }> {
  let parts = 0;
  try {
    for (let offset = 0; offset < bytes.byteLength; offset += partBytes) {
      const part = bytes.slice(offset, offset + partBytes);
      crc = await worker.call<number>(
        methods.write,
        [boardId, token, parts, part, crc],
        [part.buffer as ArrayBuffer],
      );
      parts++;
    }
  } catch (error) {
    await dropParts(worker, methods, boardId, token).catch(() => {});
    throw error;
  }
  return { parts, crc };
}

/** Deletes the parts of `token` (for versions, null: all of the board's), a few at a time. */
export async function dropParts(
  worker: RpcWorker,
  methods: PartMethods,
  boardId: string,
  token: string | null,
): Promise<void> {
  while ((await worker.call<number>(methods.drop, [boardId, token, PARTS_PER_DROP])) > 0);
}
