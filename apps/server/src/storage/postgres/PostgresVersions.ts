import type pg from 'pg';
import type {
  StoredVersion,
  TakeOptions,
  TakeResult,
  VersionInfo,
  VersionStore,
} from '../VersionStore.js';
import { readVersionRow, VERSION_COLUMNS, type VersionRow } from '../versionRules.js';
import { inflateVersion } from '../versionSnapshot.js';
import { transaction } from './connection.js';
import type { ReadVersion } from './readVersion.js';
import { versionLock } from './schema.js';

export interface PostgresVersionsDeps {
  pool: pg.Pool;
  /** Runs a call: waits for the schema, times it, turns errors into storage errors. */
  run: <T>(doing: string, work: () => Promise<T>) => Promise<T>;
  /** Takes a version (see `takeVersion`), off the event loop: the board is read and built there. */
  take: (boardId: string, options: TakeOptions) => Promise<TakeResult>;
  /** Appends already queued belong in a version taken now. */
  flush: () => Promise<void>;
  /** Reads a version (`readVersion`), off the event loop. */
  read: (boardId: string, versionId: number) => Promise<ReadVersion | null>;
}

/**
 * Versions in PostgreSQL. Taking one holds the board's version lock (tried, never waited for),
 * so across all nodes one writer takes a board's version at a time; the others skip with
 * `locked`, and a periodic one taken within the interval by anyone makes the rest skip too.
 */
export class PostgresVersions implements VersionStore {
  readonly name = 'versions';
  constructor(private readonly deps: PostgresVersionsDeps) {}

  noteEditors(boardId: string, names: readonly string[], now: number): Promise<void> {
    return this.deps.run(`noting editors of board ${boardId}`, async () => {
      if (names.length === 0) return;
      await this.deps.pool.query(
        `INSERT INTO board_editors (board_id, name, edited_at)
         SELECT $1, name, $3 FROM unnest($2::text[]) AS name
         ON CONFLICT (board_id, name) DO UPDATE SET edited_at = EXCLUDED.edited_at`,
        [boardId, [...new Set(names)], now],
      );
    });
  }

  async take(boardId: string, options: TakeOptions): Promise<TakeResult> {
    await this.deps.flush();
    return this.deps.run(`taking a version of board ${boardId}`, () =>
      this.deps.take(boardId, options),
    );
  }

  list(boardId: string): Promise<VersionInfo[]> {
    return this.deps.run(`listing versions of board ${boardId}`, async () => {
      const { rows } = await this.deps.pool.query<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM versions WHERE board_id = $1
         ORDER BY created_at DESC, version_id DESC`,
        [boardId],
      );
      return rows.map(readVersionRow);
    });
  }

  get(boardId: string, versionId: number): Promise<StoredVersion | null> {
    return this.deps.run(`reading a version of board ${boardId}`, async () => {
      const read = await this.deps.read(boardId, versionId);
      if (!read) return null;
      try {
        return { info: read.info, state: await inflateVersion(read.data) };
      } catch {
        return null;
      }
    });
  }

  boardBytes(boardIds: readonly string[]): Promise<Map<string, number>> {
    return this.deps.run('measuring versions of boards', async () => {
      const sizes = new Map(boardIds.map((id) => [id, 0]));
      const { rows } = await this.deps.pool.query<{ board_id: string; bytes: string }>(
        `SELECT board_id, sum(octet_length(data))::int8 AS bytes FROM versions
         WHERE board_id = ANY($1::text[]) GROUP BY board_id`,
        [boardIds],
      );
      for (const row of rows) sizes.set(row.board_id, Number(row.bytes));
      return sizes;
    });
  }

  deleteBoard(boardId: string): Promise<void> {
    return this.deps.run(`deleting versions of board ${boardId}`, () =>
      transaction(this.deps.pool, async (client) => {
        // Waits for a version being taken right now, so none lands after the deletion.
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', versionLock(boardId));
        await client.query('DELETE FROM version_assets WHERE board_id = $1', [boardId]);
        await client.query('DELETE FROM board_editors WHERE board_id = $1', [boardId]);
        await client.query('DELETE FROM versions WHERE board_id = $1', [boardId]);
      }),
    );
  }
}
