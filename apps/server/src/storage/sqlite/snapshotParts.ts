import type Database from 'better-sqlite3';
import { prepareBoardParts } from './boardParts.js';

/**
 * A large snapshot is stored in parts, each written in a transaction of its own, so that the
 * commits every ack waits for take turns with it: one multi-megabyte write (and its fsync) would
 * hold them all for as long as it takes, 50-120 ms for a 6 MB board on a virtual disk. The
 * snapshot's row names its parts (`token`, `parts`) only in the transaction that replaces the
 * previous snapshot, so a reader never sees a snapshot whose parts are not all there.
 */
export const SNAPSHOT_PART_BYTES = 256 * 1024;

/** Where a snapshot's content is: in its row, or in `parts` parts under `token`. */
export type SnapshotContent = { state: Uint8Array } | { token: string; parts: number; crc: number };

export type SnapshotParts = ReturnType<typeof prepareSnapshotParts>;

export function prepareSnapshotParts(db: Database.Database) {
  const parts = prepareBoardParts(
    db,
    'snapshot_parts',
    'p.token IS NOT (SELECT token FROM snapshots s WHERE s.board_id = p.board_id)',
  );
  return {
    ...parts,
    /** Writes one part in its own transaction (IMMEDIATE: see `writeBatch`). */
    write: db.transaction((boardId: string, token: string, idx: number, data: Uint8Array) => {
      parts.insert(boardId, token, idx, data);
    }).immediate,
  };
}
