import type Database from 'better-sqlite3';

/** Parts nothing refers to that are older than this are left by a writer that died midway. */
export const ORPHAN_PARTS_AFTER_MS = 60 * 60 * 1000;

/**
 * The statements every table of a board's large values in parts shares (`snapshot_parts`,
 * `version_parts`: board_id, token, idx, data, written_at). `owner` is the SQL that tells which
 * tokens a row of the board still names (with `p` the part, `?` the board): parts it does not
 * name, once old, are orphans.
 */
export function prepareBoardParts(
  db: Database.Database,
  table: 'snapshot_parts' | 'version_parts',
  owner: string,
) {
  const select = db.prepare<[string, string], unknown>(
    `SELECT data FROM ${table} WHERE board_id = ? AND token = ? ORDER BY idx`,
  );
  select.pluck();
  const insert = db.prepare<[string, string, number, Uint8Array, number]>(
    `INSERT INTO ${table} (board_id, token, idx, data, written_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const count = db.prepare<[string, string], number>(
    `SELECT count(*) FROM ${table} WHERE board_id = ? AND token = ?`,
  );
  count.pluck();
  const drop = db.prepare<[string, string, number]>(
    `DELETE FROM ${table} WHERE rowid IN
       (SELECT rowid FROM ${table} WHERE board_id = ? AND token = ? LIMIT ?)`,
  );
  const orphans = db.prepare<[string, number, string], string>(
    `SELECT DISTINCT token FROM ${table} p WHERE board_id = ? AND written_at < ? AND ${owner}`,
  );
  orphans.pluck();

  return {
    /** The parts of `token` joined, or null when one is missing or is not bytes (damage). */
    join(boardId: string, token: string, parts: number): Buffer | null {
      const rows = select.all(boardId, token);
      if (rows.length !== parts || !rows.every((row) => row instanceof Uint8Array)) return null;
      return Buffer.concat(rows as Uint8Array[]);
    },
    /** Inserts one part (in the caller's transaction). */
    insert: (boardId: string, token: string, idx: number, data: Uint8Array) =>
      insert.run(boardId, token, idx, data, Date.now()),
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
