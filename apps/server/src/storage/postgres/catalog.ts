import type { Role } from '@drawbridge/protocol';
import type pg from 'pg';
import {
  type BoardSummary,
  type LinkRecord,
  type LinkState,
  MAX_STORED_NAME,
  type NewLink,
  type RecentRevocations,
} from '../Catalog.js';
import { transaction } from './connection.js';
import { compactionLock } from './schema.js';

/** int8 columns arrive as decimal strings. */
type Int8 = string | null;

interface LinkRow {
  id: string;
  scope: string;
  role: string | null;
  created_at: Int8;
  expires_at: Int8;
  revoked_at: Int8;
}

const num = (value: Int8): number | null => (value === null ? null : Number(value));

const toLink = (row: LinkRow): LinkRecord => ({
  id: row.id,
  scope: row.scope,
  role: row.role as Role | null,
  createdAt: num(row.created_at),
  expiresAt: num(row.expires_at),
  revokedAt: num(row.revoked_at),
});

const LINK_COLUMNS = 'link_id AS id, scope, role, created_at, expires_at, revoked_at';

/** Raises the scope's "revoke all" time, never lowers it. */
const RAISE_CUTOFF = `INSERT INTO link_scopes AS s (scope, revoked_before) VALUES ($1, $2)
  ON CONFLICT (scope) DO UPDATE SET revoked_before = greatest(s.revoked_before, EXCLUDED.revoked_before)`;

type Db = pg.Pool | pg.PoolClient;

export async function recordLink(db: Db, link: NewLink): Promise<void> {
  await db.query(
    `INSERT INTO links (link_id, scope, role, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
    [link.id, link.scope, link.role, link.createdAt, link.expiresAt],
  );
}

export async function listLinks(db: Db, scope: string): Promise<LinkRecord[]> {
  const { rows } = await db.query<LinkRow>(
    `SELECT ${LINK_COLUMNS} FROM links WHERE scope = $1
     ORDER BY coalesce(created_at, 0) DESC, link_id COLLATE "C"`,
    [scope],
  );
  return rows.map(toLink);
}

/**
 * One statement: a link never recorded is inserted as revoked; a recorded one of this scope
 * keeps its first revocation time; one of another scope is left alone (no row comes back).
 */
export async function revokeLink(
  db: Db,
  scope: string,
  linkId: string,
  at: number,
): Promise<LinkRecord | null> {
  const { rows } = await db.query<LinkRow>(
    `INSERT INTO links AS l (link_id, scope, revoked_at) VALUES ($1, $2, $3)
     ON CONFLICT (link_id) DO UPDATE SET revoked_at = coalesce(l.revoked_at, EXCLUDED.revoked_at)
     WHERE l.scope = EXCLUDED.scope
     RETURNING ${LINK_COLUMNS}`,
    [linkId, scope, at],
  );
  return rows[0] ? toLink(rows[0]) : null;
}

export async function revokeAll(db: Db, scope: string, at: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `WITH cutoff AS (${RAISE_CUTOFF})
     UPDATE links SET revoked_at = $2
     WHERE scope = $1 AND revoked_at IS NULL AND (created_at IS NULL OR created_at <= $2)
     RETURNING link_id AS id`,
    [scope, at],
  );
  return rows.map((row) => row.id);
}

export async function linkState(db: Db, scope: string, linkId: string): Promise<LinkState> {
  const { rows } = await db.query<{ created_at: Int8; revoked_at: Int8; revoked_before: Int8 }>(
    `SELECT l.created_at, l.revoked_at,
       (SELECT revoked_before FROM link_scopes WHERE scope = $1) AS revoked_before
     FROM (SELECT 1) AS one
     LEFT JOIN links l ON l.link_id = $2 AND l.scope = $1`,
    [scope, linkId],
  );
  const row = rows[0]!;
  return {
    createdAt: num(row.created_at),
    revokedAt: num(row.revoked_at),
    revokedBefore: num(row.revoked_before),
  };
}

export async function revokedSince(db: Db, since: number): Promise<RecentRevocations> {
  const [links, scopes] = await Promise.all([
    db.query<{ scope: string; id: string }>(
      'SELECT scope, link_id AS id FROM links WHERE revoked_at > $1',
      [since],
    ),
    db.query<{ scope: string; revoked_before: string }>(
      'SELECT scope, revoked_before FROM link_scopes WHERE revoked_before > $1',
      [since],
    ),
  ]);
  return {
    links: links.rows,
    scopes: scopes.rows.map((row) => ({
      scope: row.scope,
      revokedBefore: Number(row.revoked_before),
    })),
  };
}

export async function listBoards(db: Db): Promise<BoardSummary[]> {
  const { rows } = await db.query<{
    id: string;
    name: string | null;
    updated_at: Int8;
    bytes: string;
  }>(
    `SELECT b.board_id AS id, b.name, b.updated_at,
       (coalesce((SELECT sum(octet_length(u.data)) FROM updates u WHERE u.board_id = b.board_id), 0)
        + coalesce((SELECT octet_length(s.data) FROM snapshots s WHERE s.board_id = b.board_id), 0)
       )::int8 AS bytes
     FROM boards b ORDER BY b.board_id COLLATE "C"`,
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    bytes: Number(row.bytes),
    updatedAt: num(row.updated_at),
  }));
}

/**
 * Deletes a board in one transaction, after any compaction of it running on another node (its
 * advisory lock is waited for), so no snapshot is written back under a deleted board.
 */
export function deleteBoard(pool: pg.Pool, boardId: string, at: number): Promise<boolean> {
  return transaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', compactionLock(boardId));
    await client.query(RAISE_CUTOFF, [boardId, at]);
    await client.query('DELETE FROM links WHERE scope = $1', [boardId]);
    await client.query('DELETE FROM updates WHERE board_id = $1', [boardId]);
    await client.query('DELETE FROM snapshots WHERE board_id = $1', [boardId]);
    const { rowCount } = await client.query('DELETE FROM boards WHERE board_id = $1', [boardId]);
    return (rowCount ?? 0) > 0;
  });
}

export async function setBoardName(db: Db, boardId: string, name: string): Promise<void> {
  await db.query('UPDATE boards SET name = $1 WHERE board_id = $2', [
    name.slice(0, MAX_STORED_NAME),
    boardId,
  ]);
}
