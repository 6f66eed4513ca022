import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';
import type pg from 'pg';
import { type RecordCheck, versionChecksum } from '../records.js';
import type {
  StoredVersion,
  TakeOptions,
  TakeResult,
  VersionInfo,
  VersionStore,
} from '../VersionStore.js';
import {
  readVersionRow,
  skipReason,
  VERSION_COLUMNS,
  type VersionRow,
  versionsToDrop,
} from '../versionRules.js';
import type { BuiltVersion } from '../versionSnapshot.js';
import { transaction, withClient } from './connection.js';
import { readBoard } from './readBoard.js';
import { versionLock } from './schema.js';

/** zlib's async API runs on libuv's thread pool: a 16 MB board inflates off the event loop. */
const inflate = promisify(inflateRaw);

export interface PostgresVersionsDeps {
  pool: pg.Pool;
  /** Runs a call: waits for the schema, times it, turns errors into storage errors. */
  run: <T>(doing: string, work: () => Promise<T>) => Promise<T>;
  /** Builds a version off the event loop. */
  build: (updates: readonly Uint8Array[]) => Promise<BuiltVersion>;
  onCorrupt: (check: RecordCheck & { reason: string }) => void;
  /** Appends already queued belong in a version taken now. */
  flush: () => Promise<void>;
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
      withClient(this.deps.pool, async (client) => {
        const lock = versionLock(boardId);
        const { rows } = await client.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_lock($1, $2) AS locked',
          lock,
        );
        if (!rows[0]!.locked) return { taken: false, skipped: 'locked' } as const;
        try {
          return await this.#takeLocked(client, boardId, options);
        } finally {
          await client.query('SELECT pg_advisory_unlock($1, $2)', lock);
        }
      }),
    );
  }

  async #takeLocked(
    client: pg.PoolClient,
    boardId: string,
    options: TakeOptions,
  ): Promise<TakeResult> {
    const { rows: heads } = await client.query<{ head: string }>(
      'SELECT coalesce((SELECT last_seq FROM boards WHERE board_id = $1), 0) AS head',
      [boardId],
    );
    const newest = await this.#newest(client, boardId);
    const skipped = skipReason(Number(heads[0]!.head), newest, options);
    if (skipped) return { taken: false, skipped };
    const { board } = await readBoard(client, boardId, 0, this.deps.onCorrupt);
    const built = await this.deps.build(board.updates);
    await client.query('BEGIN');
    try {
      const editors = await client.query<{ name: string }>(
        'DELETE FROM board_editors WHERE board_id = $1 RETURNING name',
        [boardId],
      );
      const names = [...new Set(editors.rows.map((row) => row.name))].sort();
      const data = Buffer.from(built.data.buffer, built.data.byteOffset, built.data.byteLength);
      const inserted = await client.query<{ version_id: string }>(
        `INSERT INTO versions (board_id, created_at, reason, editors, through_seq, bytes, data, crc)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING version_id`,
        [
          boardId,
          options.now,
          options.reason,
          JSON.stringify(names),
          board.lastSeq,
          built.bytes,
          data,
          versionChecksum(boardId, built.data),
        ],
      );
      const versionId = Number(inserted.rows[0]!.version_id);
      await client.query(
        `INSERT INTO version_assets (version_id, board_id, asset_id)
         SELECT $1, $2, asset_id FROM unnest($3::text[]) AS asset_id`,
        [versionId, boardId, built.assetIds],
      );
      const all = await client.query<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM versions WHERE board_id = $1`,
        [boardId],
      );
      const drop = versionsToDrop(all.rows.map(readVersionRow), options.now, options.retention);
      if (drop.length > 0) {
        await client.query('DELETE FROM version_assets WHERE version_id = ANY($1::int8[])', [drop]);
        await client.query('DELETE FROM versions WHERE version_id = ANY($1::int8[])', [drop]);
      }
      await client.query('COMMIT');
      const version: VersionInfo = {
        versionId,
        boardId,
        createdAt: options.now,
        reason: options.reason,
        editors: names,
        throughSeq: board.lastSeq,
        bytes: built.bytes,
      };
      return { taken: true, version, thinned: drop.length };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
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
      if (!Number.isSafeInteger(versionId)) return null;
      const { rows } = await this.deps.pool.query<VersionRow & { data: Buffer; crc: string }>(
        `SELECT ${VERSION_COLUMNS}, data, crc FROM versions WHERE board_id = $1 AND version_id = $2`,
        [boardId, versionId],
      );
      const row = rows[0];
      if (!row || versionChecksum(boardId, row.data) !== Number(row.crc)) return null;
      try {
        return { info: readVersionRow(row), state: new Uint8Array(await inflate(row.data)) };
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

  async #newest(client: pg.PoolClient, boardId: string) {
    const { rows } = await client.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM versions WHERE board_id = $1
       ORDER BY created_at DESC, version_id DESC LIMIT 1`,
      [boardId],
    );
    return rows[0] ? readVersionRow(rows[0]) : undefined;
  }
}
