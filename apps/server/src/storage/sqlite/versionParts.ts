import type Database from 'better-sqlite3';
import { continueChecksum } from '../records.js';
import { prepareBoardParts } from './boardParts.js';

/**
 * A large version is stored in parts, each written in a transaction of its own, as large
 * snapshots and images are (see snapshotParts.ts): a 60,000-shape board's version (a few MB
 * deflated) written in one insert held every commit, so every board's acks, for 30-46 ms. The
 * version's row names its parts (`token`, `parts`) only in the transaction that takes the
 * version, so a reader never sees a version whose parts are not all there.
 */
export const VERSION_PART_BYTES = 256 * 1024;

/** Where a version's (deflated) content is: in its row, or in `parts` parts under `token`. */
export type VersionContent = { data: Uint8Array } | { token: string; parts: number; crc: number };

export type VersionParts = ReturnType<typeof prepareVersionParts>;

export function prepareVersionParts(db: Database.Database) {
  const parts = prepareBoardParts(
    db,
    'version_parts',
    'NOT EXISTS (SELECT 1 FROM versions v WHERE v.board_id = p.board_id AND v.token = p.token)',
  );
  const dropBoard = db.prepare<[string, number]>(
    `DELETE FROM version_parts WHERE rowid IN
       (SELECT rowid FROM version_parts WHERE board_id = ? LIMIT ?)`,
  );
  const dropAll = db.transaction(
    (boardId: string, limit: number) => dropBoard.run(boardId, limit).changes,
  ).immediate;
  return {
    join: parts.join,
    complete: parts.complete,
    orphans: parts.orphans,
    strays: parts.strays,
    /**
     * Writes one part in its own transaction (IMMEDIATE: see `writeBatch`); returns the
     * version's checksum continued with it.
     */
    write: db.transaction(
      (boardId: string, token: string, idx: number, data: Uint8Array, crc: number): number => {
        parts.insert(boardId, token, idx, data);
        return continueChecksum(crc, data);
      },
    ).immediate,
    /**
     * Deletes up to `limit` parts, of `token` or (null) of every version of the board, in one
     * transaction; how many it deleted.
     */
    drop: (boardId: string, token: string | null, limit: number): number =>
      token === null ? dropAll(boardId, limit) : parts.drop(boardId, token, limit),
  };
}
