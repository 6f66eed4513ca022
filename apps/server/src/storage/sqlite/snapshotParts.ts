import type Database from 'better-sqlite3';

/**
 * A large snapshot is stored in parts, each written in a transaction of its own, so that the
 * commits every ack waits for take turns with it: one multi-megabyte write (and its fsync) would
 * hold them all for as long as it takes, 50-120 ms for a 6 MB board on a virtual disk. The
 * snapshot's row names its parts (`token`, `parts`) only in the transaction that replaces the
 * previous snapshot, so a reader never sees a snapshot whose parts are not all there.
 */
export const SNAPSHOT_PART_BYTES = 256 * 1024;

/** Parts nothing refers to that are older than this are left by a writer that died midway. */
export const ORPHAN_PARTS_AFTER_MS = 60 * 60 * 1000;

/** Where a snapshot's content is: in its row, or in `parts` parts under `token`. */
export type SnapshotContent = { state: Uint8Array } | { token: string; parts: number; crc: number };

export type SnapshotParts = ReturnType<typeof prepareSnapshotParts>;

export function prepareSnapshotParts(db: Database.Database) {
  const select = db.prepare<[string, string], unknown>(
    'SELECT data FROM snapshot_parts WHERE board_id = ? AND token = ? ORDER BY idx',
  );
  select.pluck();
  const insert = db.prepare<[string, string, number, Uint8Array, number]>(
    'INSERT INTO snapshot_parts (board_id, token, idx, data, written_at) VALUES (?, ?, ?, ?, ?)',
  );
  const count = db.prepare<[string, string], number>(
    'SELECT count(*) FROM snapshot_parts WHERE board_id = ? AND token = ?',
  );
  count.pluck();
  const drop = db.prepare<[string, string, number]>(
    `DELETE FROM snapshot_parts WHERE rowid IN
       (SELECT rowid FROM snapshot_parts WHERE board_id = ? AND token = ? LIMIT ?)`,
  );
  const orphans = db.prepare<[string, number, string], string>(
    `SELECT DISTINCT token FROM snapshot_parts
     WHERE board_id = ? AND written_at < ?
       AND token IS NOT (SELECT token FROM snapshots WHERE board_id = ?)`,
  );
  orphans.pluck();

  return {
    /** A snapshot's parts joined, or null when one is missing or is not bytes (damage). */
    join(boardId: string, token: string, parts: number): Buffer | null {
      const rows = select.all(boardId, token);
      if (rows.length !== parts || !rows.every((row) => row instanceof Uint8Array)) return null;
      return Buffer.concat(rows as Uint8Array[]);
    },
    /** Writes one part in its own transaction (IMMEDIATE: see `writeBatch`). */
    write: db.transaction((boardId: string, token: string, idx: number, data: Uint8Array) => {
      insert.run(boardId, token, idx, data, Date.now());
    }).immediate,
    complete: (boardId: string, token: string, parts: number) =>
      count.get(boardId, token) === parts,
    /** Deletes up to `limit` parts of `token` in one transaction; how many it deleted. */
    drop: db.transaction(
      (boardId: string, token: string, limit: number) => drop.run(boardId, token, limit).changes,
    ).immediate,
    orphans: (boardId: string, now: number): string[] =>
      orphans.all(boardId, now - ORPHAN_PARTS_AFTER_MS, boardId),
  };
}
