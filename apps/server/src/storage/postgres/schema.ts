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
  // Images and versions (see AssetStore.ts and VersionStore.ts), as in SQLite's schema.
  `CREATE TABLE assets (
     asset_id text PRIMARY KEY,
     type text NOT NULL,
     width integer NOT NULL,
     height integer NOT NULL,
     bytes integer NOT NULL,
     data bytea NOT NULL,
     created_at bigint NOT NULL
   );
   CREATE TABLE board_assets (
     board_id text NOT NULL,
     asset_id text NOT NULL,
     added_at bigint NOT NULL,
     PRIMARY KEY (board_id, asset_id)
   );
   CREATE INDEX board_assets_by_asset ON board_assets (asset_id);
   CREATE TABLE versions (
     version_id bigserial PRIMARY KEY,
     board_id text NOT NULL,
     created_at bigint NOT NULL,
     reason text NOT NULL,
     editors text NOT NULL,
     through_seq bigint NOT NULL,
     bytes integer NOT NULL,
     data bytea NOT NULL,
     crc bigint NOT NULL
   );
   CREATE INDEX versions_by_board ON versions (board_id, created_at);
   CREATE TABLE version_assets (
     version_id bigint NOT NULL,
     board_id text NOT NULL,
     asset_id text NOT NULL,
     PRIMARY KEY (version_id, asset_id)
   );
   CREATE INDEX version_assets_by_board ON version_assets (board_id, asset_id);
   CREATE TABLE board_editors (
     board_id text NOT NULL,
     name text NOT NULL,
     edited_at bigint NOT NULL,
     PRIMARY KEY (board_id, name)
   );`,
];

/**
 * Advisory-lock keys, two int4 halves: a namespace for Drawbridge's locks and the object. Fixed
 * numbers, so every node (of any version) computes the same keys.
 */
const LOCK_NAMESPACE_MIGRATIONS = 0x44420000;
const LOCK_NAMESPACE_COMPACTION = 0x44420001;
const LOCK_NAMESPACE_VERSIONS = 0x44420002;
const LOCK_NAMESPACE_ASSETS = 0x44420003;
const LOCK_NAMESPACE_BOARD_ASSETS = 0x44420004;

export const MIGRATION_LOCK: readonly [number, number] = [LOCK_NAMESPACE_MIGRATIONS, 0];

/**
 * The compaction lock of a board. Two boards whose names hash alike share a lock: harmless,
 * one of them skips a compaction and compacts on its next turn.
 */
export function compactionLock(boardId: string): [number, number] {
  return [LOCK_NAMESPACE_COMPACTION, crc32(boardId) | 0];
}

/** Held by whoever takes a version of the board: one version at a time across all nodes. */
export function versionLock(boardId: string): [number, number] {
  return [LOCK_NAMESPACE_VERSIONS, crc32(boardId) | 0];
}

/**
 * Uploads hold this lock shared and collection exclusively, so an asset is never deleted
 * between an upload finding it stored and linking it.
 */
export const ASSETS_LOCK: readonly [number, number] = [LOCK_NAMESPACE_ASSETS, 0];

/** Held by an upload to a board, so two uploads cannot both fit under its total. */
export function boardAssetsLock(boardId: string): [number, number] {
  return [LOCK_NAMESPACE_BOARD_ASSETS, crc32(boardId) | 0];
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
