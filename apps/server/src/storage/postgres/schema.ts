import { crc32 } from 'node:zlib';
import type pg from 'pg';
import { transaction } from './connection.js';

/**
 * Migration i brings the database from version i to i + 1. Never edit a shipped entry: databases
 * in the field are at that version already; append a new one instead. The tables mirror
 * SQLite's: `boards.last_seq` (not max(seq)) hands out seqs, because compaction deletes rows and
 * a reused seq would hide behind the snapshot's through_seq. CRCs are unsigned 32-bit: bigint.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE boards (
     board_id text PRIMARY KEY,
     last_seq bigint NOT NULL
   );
   CREATE TABLE updates (
     board_id text NOT NULL,
     seq bigint NOT NULL,
     data bytea NOT NULL,
     crc bigint NOT NULL,
     PRIMARY KEY (board_id, seq)
   );
   CREATE TABLE snapshots (
     board_id text PRIMARY KEY,
     through_seq bigint NOT NULL,
     data bytea NOT NULL,
     crc bigint NOT NULL
   );`,
  // Board listing (last change, the name kept at unload) and links with their revocations.
  // Times are ms since the epoch, as in SQLite. Rows written before this migration keep a NULL
  // updated_at: setting a volatile default in ADD COLUMN would rewrite the whole table.
  `ALTER TABLE boards ADD COLUMN updated_at bigint, ADD COLUMN name text;
   CREATE TABLE links (
     link_id text PRIMARY KEY,
     scope text NOT NULL,
     role text,
     created_at bigint,
     expires_at bigint,
     revoked_at bigint
   );
   CREATE INDEX links_by_scope ON links (scope);
   CREATE INDEX links_by_revocation ON links (revoked_at) WHERE revoked_at IS NOT NULL;
   CREATE TABLE link_scopes (
     scope text PRIMARY KEY,
     revoked_before bigint NOT NULL
   );
   CREATE INDEX link_scopes_by_time ON link_scopes (revoked_before);`,
];

/**
 * Advisory-lock keys, two int4 halves: a namespace for Drawbridge's locks and the object. Fixed
 * numbers, so every node (of any version) computes the same keys.
 */
const LOCK_NAMESPACE_MIGRATIONS = 0x44420000;
const LOCK_NAMESPACE_COMPACTION = 0x44420001;

export const MIGRATION_LOCK: readonly [number, number] = [LOCK_NAMESPACE_MIGRATIONS, 0];

/**
 * The compaction lock of a board. Two boards whose names hash alike share a lock: harmless,
 * one of them skips a compaction and compacts on its next turn.
 */
export function compactionLock(boardId: string): [number, number] {
  return [LOCK_NAMESPACE_COMPACTION, crc32(boardId) | 0];
}

/**
 * Brings the schema to the newest version, in one transaction under an advisory lock: nodes
 * starting together queue on the lock, and the later ones find the work done. DDL is
 * transactional in PostgreSQL, so a failed migration leaves nothing half-applied.
 * Resolves with the version the database is now at.
 */
export function migrate(pool: pg.Pool): Promise<number> {
  return transaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS drawbridge_migrations (
         version integer PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query<{ version: number }>(
      'SELECT coalesce(max(version), 0)::int4 AS version FROM drawbridge_migrations',
    );
    const version = rows[0]!.version;
    if (version > MIGRATIONS.length) {
      throw new Error(
        `the database has schema version ${version}; this server supports up to ${MIGRATIONS.length}`,
      );
    }
    for (let next = version; next < MIGRATIONS.length; next++) {
      await client.query(MIGRATIONS[next]!);
      await client.query('INSERT INTO drawbridge_migrations (version) VALUES ($1)', [next + 1]);
    }
    return MIGRATIONS.length;
  });
}
