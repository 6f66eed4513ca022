import type Database from 'better-sqlite3';

/** Parts nothing refers to that are older than this are left by a writer that died midway. */
export const ORPHAN_PARTS_AFTER_MS = 60 * 60 * 1000;

/** Parts of one write that nothing names (`prepareBoardParts`' `strays`). */
export interface StrayParts {
  boardId: string;
  token: string;
}

/**
 * The statements every table of a board's large values in parts shares (`snapshot_parts`,
 * `version_parts`: board_id, token, idx, data, written_at). `unowned` is the SQL that is true
 * when no row of the part's board names its token (with `p` the part): parts no row names, once
 * old, are orphans.
 */
export function prepareBoardParts(
  db: Database.Database,
  table: 'snapshot_parts' | 'version_parts',
  unowned: string,
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
  const orphans = db.prepare<[string, number], string>(
    `SELECT DISTINCT token FROM ${table} p WHERE board_id = ? AND written_at < ? AND ${unowned}`,
  );
  orphans.pluck();
  // Every board's. Only the parts no row names are grouped, so only theirs have their
  // written_at read (in snapshot_parts it comes after the blob: reading it walks the blob).
  const strays = db.prepare<[number, number], StrayParts>(
    `SELECT board_id AS boardId, token FROM ${table} p WHERE ${unowned}
     GROUP BY board_id, token HAVING min(written_at) < ? LIMIT ?`,
  );

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
      orphans.all(boardId, now - ORPHAN_PARTS_AFTER_MS),
    /**
     * Orphans of every board, up to `limit` writes: those a board's own writes never sweep
     * (a board deleted midway, a writer that died on a board nobody writes again).
     */
    strays: (now: number, limit: number): StrayParts[] =>
      strays.all(now - ORPHAN_PARTS_AFTER_MS, limit),
  };
}
