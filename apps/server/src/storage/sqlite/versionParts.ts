import type Database from 'better-sqlite3';
import { continueChecksum } from '../records.js';
import { ORPHAN_PARTS_AFTER_MS } from './snapshotParts.js';

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
  const select = db.prepare<[string, string], unknown>(
    'SELECT data FROM version_parts WHERE board_id = ? AND token = ? ORDER BY idx',
  );
  select.pluck();
  const insert = db.prepare<[string, string, number, number, Uint8Array]>(
    'INSERT INTO version_parts (board_id, token, idx, written_at, data) VALUES (?, ?, ?, ?, ?)',
  );
  const count = db.prepare<[string, string], number>(
    'SELECT count(*) FROM version_parts WHERE board_id = ? AND token = ?',
  );
  count.pluck();
  const dropToken = db.prepare<[string, string, number]>(
    `DELETE FROM version_parts WHERE rowid IN
       (SELECT rowid FROM version_parts WHERE board_id = ? AND token = ? LIMIT ?)`,
  );
  const dropBoard = db.prepare<[string, number]>(
    `DELETE FROM version_parts WHERE rowid IN
       (SELECT rowid FROM version_parts WHERE board_id = ? LIMIT ?)`,
  );
  const orphans = db.prepare<[string, number, string], string>(
    `SELECT DISTINCT token FROM version_parts p WHERE board_id = ? AND written_at < ?
       AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.board_id = ? AND v.token = p.token)`,
  );
  orphans.pluck();

  return {
    /** A version's parts joined, or null when one is missing or is not bytes (damage). */
    join(boardId: string, token: string, parts: number): Buffer | null {
      const rows = select.all(boardId, token);
      if (rows.length !== parts || !rows.every((row) => row instanceof Uint8Array)) return null;
      return Buffer.concat(rows as Uint8Array[]);
    },
    /**
     * Writes one part in its own transaction (IMMEDIATE: see `writeBatch`); returns the
     * version's checksum continued with it.
     */
    write: db.transaction(
      (boardId: string, token: string, idx: number, data: Uint8Array, crc: number): number => {
        insert.run(boardId, token, idx, Date.now(), data);
        return continueChecksum(crc, data);
      },
    ).immediate,
    complete: (boardId: string, token: string, parts: number) =>
      count.get(boardId, token) === parts,
    /**
     * Deletes up to `limit` parts, of `token` or (null) of every version of the board, in one
     * transaction; how many it deleted.
     */
    drop: db.transaction((boardId: string, token: string | null, limit: number) =>
      token === null
        ? dropBoard.run(boardId, limit).changes
        : dropToken.run(boardId, token, limit).changes,
    ).immediate,
    /** Parts no version refers to, left long ago by a writer that died midway. */
    orphans: (boardId: string, now: number): string[] =>
      orphans.all(boardId, now - ORPHAN_PARTS_AFTER_MS, boardId),
  };
}
