import type pg from 'pg';
import { type RecordCheck, versionChecksum } from '../records.js';
import type { TakeOptions, TakeResult, VersionInfo } from '../VersionStore.js';
import {
  readVersionRow,
  skipReason,
  VERSION_COLUMNS,
  type VersionRow,
  versionsToDrop,
} from '../versionRules.js';
import type { BuiltVersion } from '../versionSnapshot.js';
import { withClient, withTryLock } from './connection.js';
import { readBoard } from './readBoard.js';
import { versionLock } from './schema.js';

export interface TakeVersionDeps {
  pool: pg.Pool;
  /** Builds the version from the board's records. */
  build: (updates: readonly Uint8Array[]) => Promise<BuiltVersion>;
  onCorrupt: (check: RecordCheck & { reason: string }) => void;
}

/**
 * Takes a version of the board: holds its version lock (tried, never waited for, so across all
 * nodes one writer takes a board's version at a time; the others skip with `locked`), reads the
 * board, builds the version and stores it, thinning older ones by the retention policy. Runs in
 * the PostgreSQL worker (see `PostgresWorker`), where the board's rows are parsed.
 */
export function takeVersion(
  deps: TakeVersionDeps,
  boardId: string,
  options: TakeOptions,
): Promise<TakeResult> {
  return withClient(deps.pool, (client) =>
    withTryLock(
      client,
      versionLock(boardId),
      () => takeLocked(deps, client, boardId, options),
      () => ({ taken: false, skipped: 'locked' }) as const,
    ),
  );
}

async function takeLocked(
  deps: TakeVersionDeps,
  client: pg.PoolClient,
  boardId: string,
  options: TakeOptions,
): Promise<TakeResult> {
  const { rows: heads } = await client.query<{ head: string }>(
    'SELECT coalesce((SELECT last_seq FROM boards WHERE board_id = $1), 0) AS head',
    [boardId],
  );
  const newest = await newestVersion(client, boardId);
  const skipped = skipReason(Number(heads[0]!.head), newest, options);
  if (skipped) return { taken: false, skipped };
  const { board } = await readBoard(client, boardId, 0, deps.onCorrupt);
  const built = await deps.build(board.updates);
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

async function newestVersion(client: pg.PoolClient, boardId: string) {
  const { rows } = await client.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM versions WHERE board_id = $1
     ORDER BY created_at DESC, version_id DESC LIMIT 1`,
    [boardId],
  );
  return rows[0] ? readVersionRow(rows[0]) : undefined;
}
