import type Database from 'better-sqlite3';
import { ORPHAN_PARTS_AFTER_MS } from './boardParts.js';

/**
 * A large image is stored in parts, each written in a transaction of its own, as large
 * snapshots are (see snapshotParts.ts): one 10 MB insert and its fsync held every commit, so
 * every board's acks, for 100-200 ms on a virtual disk, and the WAL checkpoint that followed it
 * held them again. The asset's row names its parts (`token`, `parts`) only in the transaction
 * that links it to its board, so a reader never sees an asset whose parts are not all there.
 */
export const ASSET_PART_BYTES = 256 * 1024;

export type AssetParts = ReturnType<typeof prepareAssetParts>;

export function prepareAssetParts(db: Database.Database) {
  const select = db.prepare<[string], unknown>(
    'SELECT data FROM asset_parts WHERE token = ? ORDER BY idx',
  );
  select.pluck();
  const insert = db.prepare<[string, number, Uint8Array, number]>(
    'INSERT INTO asset_parts (token, idx, data, written_at) VALUES (?, ?, ?, ?)',
  );
  const count = db.prepare<[string], number>('SELECT count(*) FROM asset_parts WHERE token = ?');
  count.pluck();
  const drop = db.prepare<[string, number]>(
    `DELETE FROM asset_parts WHERE rowid IN
       (SELECT rowid FROM asset_parts WHERE token = ? LIMIT ?)`,
  );
  const orphans = db.prepare<[number], string>(
    `SELECT DISTINCT token FROM asset_parts p WHERE written_at < ?
       AND NOT EXISTS (SELECT 1 FROM assets a WHERE a.token = p.token)`,
  );
  orphans.pluck();

  return {
    /** An asset's parts joined, or null when one is missing or is not bytes (damage). */
    join(token: string, parts: number): Buffer | null {
      const rows = select.all(token);
      if (rows.length !== parts || !rows.every((row) => row instanceof Uint8Array)) return null;
      return Buffer.concat(rows as Uint8Array[]);
    },
    /** Writes one part in its own transaction (IMMEDIATE: see `writeBatch`). */
    write: db.transaction((token: string, idx: number, data: Uint8Array) => {
      insert.run(token, idx, data, Date.now());
    }).immediate,
    complete: (token: string, parts: number) => count.get(token) === parts,
    /** Deletes up to `limit` parts of `token` in one transaction; how many it deleted. */
    drop: db.transaction((token: string, limit: number) => drop.run(token, limit).changes)
      .immediate,
    /** Parts no asset refers to, left long ago by an upload that died midway. */
    orphans: (now: number): string[] => orphans.all(now - ORPHAN_PARTS_AFTER_MS),
  };
}
