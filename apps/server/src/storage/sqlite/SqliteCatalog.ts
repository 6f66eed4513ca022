import type { Role } from '@drawbridge/protocol';
import type Database from 'better-sqlite3';
import {
  type BoardSummary,
  type LinkRecord,
  type LinkState,
  MAX_STORED_NAME,
  type NewLink,
  type RecentRevocations,
} from '../Catalog.js';

interface LinkRow {
  id: string;
  scope: string;
  role: string | null;
  createdAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
}

const LINK_COLUMNS = `link_id AS id, scope, role, created_at AS createdAt, expires_at AS expiresAt,
  revoked_at AS revokedAt`;

const toLink = (row: LinkRow): LinkRecord => ({ ...row, role: row.role as Role | null });

/**
 * The synchronous SQLite side of `storage.links` and `storage.boards`, on the storage worker's
 * connection (see `SqliteLog`). Writes that read first run in IMMEDIATE transactions, so two
 * processes on one file cannot interleave them.
 */
export class SqliteCatalog {
  readonly #s;

  constructor(db: Database.Database) {
    const selectLink = db.prepare<[string], LinkRow>(
      `SELECT ${LINK_COLUMNS} FROM links WHERE link_id = ?`,
    );
    const insertLink = db.prepare<
      [string, string, string | null, number | null, number | null, number | null]
    >(
      `INSERT INTO links (link_id, scope, role, created_at, expires_at, revoked_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const revokeLink = db.prepare<[number, string]>(
      'UPDATE links SET revoked_at = ? WHERE link_id = ? AND revoked_at IS NULL',
    );
    const revokedBefore = db.prepare<[string], number>(
      'SELECT revoked_before FROM link_scopes WHERE scope = ?',
    );
    revokedBefore.pluck();
    const setRevokedBefore = db.prepare<[string, number]>(
      `INSERT INTO link_scopes (scope, revoked_before) VALUES (?, ?)
       ON CONFLICT (scope) DO UPDATE SET
         revoked_before = max(revoked_before, excluded.revoked_before)`,
    );
    const revokeScope = db.prepare<[number, string, number], { id: string }>(
      `UPDATE links SET revoked_at = ?
       WHERE scope = ? AND revoked_at IS NULL AND (created_at IS NULL OR created_at <= ?)
       RETURNING link_id AS id`,
    );
    const deletes = [
      'links WHERE scope',
      'updates WHERE board_id',
      'snapshots WHERE board_id',
      'snapshot_parts WHERE board_id',
    ].map((where) => db.prepare<[string]>(`DELETE FROM ${where} = ?`));
    const deleteBoardRow = db.prepare<[string]>('DELETE FROM boards WHERE board_id = ?');
    this.#s = {
      selectLink,
      insertLink,
      revokedBefore,
      listLinks: db.prepare<[string], LinkRow>(
        `SELECT ${LINK_COLUMNS} FROM links WHERE scope = ?
         ORDER BY coalesce(created_at, 0) DESC, link_id`,
      ),
      listBoards: db.prepare<[], BoardSummary>(
        `SELECT b.board_id AS id, b.name AS name, b.updated_at AS updatedAt,
           coalesce((SELECT sum(length(u.data)) FROM updates u WHERE u.board_id = b.board_id), 0)
           + coalesce((SELECT length(s.data) FROM snapshots s WHERE s.board_id = b.board_id), 0)
           + coalesce((SELECT sum(length(p.data)) FROM snapshots s JOIN snapshot_parts p
                         ON p.board_id = s.board_id AND p.token = s.token
                       WHERE s.board_id = b.board_id), 0)
             AS bytes
         FROM boards b ORDER BY b.board_id`,
      ),
      setName: db.prepare<[string, string]>('UPDATE boards SET name = ? WHERE board_id = ?'),
      revokedLinks: db.prepare<[number], { scope: string; id: string }>(
        'SELECT scope, link_id AS id FROM links WHERE revoked_at > ?',
      ),
      revokedScopes: db.prepare<[number], { scope: string; revokedBefore: number }>(
        'SELECT scope, revoked_before AS revokedBefore FROM link_scopes WHERE revoked_before > ?',
      ),
      revoke: db.transaction((scope: string, linkId: string, at: number): LinkRecord | null => {
        const known = selectLink.get(linkId);
        if (known && known.scope !== scope) return null;
        if (known) revokeLink.run(at, linkId);
        else insertLink.run(linkId, scope, null, null, null, at);
        return toLink(selectLink.get(linkId)!);
      }).immediate,
      revokeAll: db.transaction((scope: string, at: number): string[] => {
        setRevokedBefore.run(scope, at);
        return revokeScope.all(at, scope, at).map((row) => row.id);
      }).immediate,
      deleteBoard: db.transaction((boardId: string, at: number): boolean => {
        setRevokedBefore.run(boardId, at);
        for (const statement of deletes) statement.run(boardId);
        return deleteBoardRow.run(boardId).changes > 0;
      }).immediate,
      state: db.transaction((scope: string, linkId: string): LinkState => {
        const link = selectLink.get(linkId);
        const mine = link?.scope === scope ? link : undefined;
        return {
          createdAt: mine?.createdAt ?? null,
          revokedAt: mine?.revokedAt ?? null,
          revokedBefore: revokedBefore.get(scope) ?? null,
        };
      }).deferred,
    };
  }

  recordLink(link: NewLink): void {
    this.#s.insertLink.run(link.id, link.scope, link.role, link.createdAt, link.expiresAt, null);
  }

  listLinks(scope: string): LinkRecord[] {
    return this.#s.listLinks.all(scope).map(toLink);
  }

  revokeLink(scope: string, linkId: string, at: number): LinkRecord | null {
    return this.#s.revoke(scope, linkId, at);
  }

  revokeAll(scope: string, at: number): string[] {
    return this.#s.revokeAll(scope, at);
  }

  linkState(scope: string, linkId: string): LinkState {
    return this.#s.state(scope, linkId);
  }

  revokedSince(since: number): RecentRevocations {
    return {
      links: this.#s.revokedLinks.all(since),
      scopes: this.#s.revokedScopes.all(since),
    };
  }

  listBoards(): BoardSummary[] {
    return this.#s.listBoards.all();
  }

  deleteBoard(boardId: string, at: number): boolean {
    return this.#s.deleteBoard(boardId, at);
  }

  setName(boardId: string, name: string): void {
    this.#s.setName.run(name.slice(0, MAX_STORED_NAME), boardId);
  }
}
