import pg from 'pg';
import type { QueuedAppend } from '../GroupCommitQueue.js';
import { recordChecksum } from '../records.js';
import { classify, PostgresErrorCode, withClient } from './connection.js';

const { escapeLiteral } = pg;

import type { SeqCache } from './SeqCache.js';

/** The commit's time in ms since the epoch, PostgreSQL's clock (one clock for every node). */
const NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::int8`;

/** Attempts of the locking path when PostgreSQL reports a deadlock or serialization failure. */
const MAX_CONFLICT_ATTEMPTS = 5;

/** How a batch was committed, for metrics and the round-trip figures. */
export interface AppendStats {
  /** Batches committed by the one-statement path alone. */
  fast: number;
  /** Batches (or the boards of a batch) that took the locking path. */
  locked: number;
  /** Locking-path transactions retried after a deadlock or serialization failure. */
  conflictRetries: number;
}

interface BoardGroup {
  boardId: string;
  /** Indices into the batch, in issue order: the board's records get seqs in this order. */
  indices: number[];
}

/** The batch's boards in sorted order, so every writer locks `boards` rows in the same order. */
function groupByBoard(batch: readonly QueuedAppend[]): BoardGroup[] {
  const groups = new Map<string, BoardGroup>();
  batch.forEach(({ boardId }, i) => {
    let group = groups.get(boardId);
    if (group === undefined) {
      group = { boardId, indices: [] };
      groups.set(boardId, group);
    }
    group.indices.push(i);
  });
  return [...groups.values()].sort((a, b) =>
    a.boardId < b.boardId ? -1 : a.boardId > b.boardId ? 1 : 0,
  );
}

/** `VALUES` rows of (board_id, seq, data, crc) from parameter `first` on, and their values. */
function recordRows(
  batch: readonly QueuedAppend[],
  groups: readonly BoardGroup[],
  firstSeqs: readonly number[],
  first: number,
): { sql: string; values: unknown[] } {
  const rows: string[] = [];
  const values: unknown[] = [];
  groups.forEach(({ boardId, indices }, g) => {
    indices.forEach((index, k) => {
      const seq = firstSeqs[g]! + k;
      const { data } = batch[index]!;
      const p = first + values.length;
      rows.push(`($${p}::text, $${p + 1}::int8, $${p + 2}::bytea, $${p + 3}::int8)`);
      // A Buffer is sent in binary; a bare Uint8Array would be sent as text.
      const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      values.push(boardId, seq, bytes, recordChecksum('update', boardId, seq, data));
    });
  });
  return { sql: rows.join(',\n'), values };
}

/**
 * One statement, one round trip, atomic on its own: each board's row in `boards` moves from the
 * seq we believe to that plus its record count only if our belief still holds (the row is
 * locked and re-read by ON CONFLICT, so a concurrent writer is waited for, then seen); its
 * records are inserted only for the boards that moved. A board we believe new is inserted only
 * if no row exists; one we believe old only if its row exists (a restored, older database).
 */
function guessedAppendSql(recordRowsSql: string): string {
  return `WITH input AS (
    SELECT * FROM unnest($1::text[], $2::int8[], $3::int4[]) WITH ORDINALITY AS t(board_id, expected, n, ord)
  ), bump AS (
    INSERT INTO boards AS b (board_id, last_seq, updated_at)
    SELECT i.board_id, i.expected + i.n, ${NOW_MS} FROM input i
    WHERE i.expected = 0 OR EXISTS (SELECT 1 FROM boards e WHERE e.board_id = i.board_id)
    ORDER BY i.ord
    ON CONFLICT (board_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, updated_at = EXCLUDED.updated_at
    WHERE b.last_seq = EXCLUDED.last_seq - (SELECT i.n FROM input i WHERE i.board_id = EXCLUDED.board_id)
    RETURNING b.board_id
  ), records AS (
    INSERT INTO updates (board_id, seq, data, crc)
    SELECT r.board_id, r.seq, r.data, r.crc FROM (VALUES ${recordRowsSql}) AS r(board_id, seq, data, crc)
    WHERE r.board_id IN (SELECT board_id FROM bump)
  )
  SELECT board_id FROM bump`;
}

/**
 * BEGIN and the bump of each board's last_seq by its record count, in sorted order, as one
 * simple query (one round trip; the simple protocol takes no parameters, hence the literals).
 * Returns the new last seqs; the row locks are held until COMMIT.
 */
function beginAndBumpSql(groups: readonly BoardGroup[]): string {
  const rows = groups.map(
    ({ boardId, indices }) => `(${escapeLiteral(boardId)}, ${indices.length}::int8)`,
  );
  return `BEGIN;
  INSERT INTO boards AS b (board_id, last_seq, updated_at)
  SELECT board_id, n, ${NOW_MS} FROM (VALUES ${rows.join(', ')}) AS t(board_id, n)
  ON CONFLICT (board_id) DO UPDATE
    SET last_seq = b.last_seq + EXCLUDED.last_seq, updated_at = EXCLUDED.updated_at
  RETURNING board_id, last_seq`;
}

/**
 * Commits a batch and resolves with each append's seq, in batch order. Seqs are gapless per
 * board and follow commit order across every writer of the database, because a board's seqs are
 * taken by updating its `boards` row in the same transaction that inserts its records: a second
 * writer waits on the row lock until the first commits.
 *
 * When this node knows every board's last seq (its own earlier commits, reads), the batch goes
 * in one statement (one round trip). Boards another writer moved meanwhile, and batches with
 * boards we know nothing about, take the locking path: BEGIN with the bump, insert, COMMIT
 * (three round trips), retried on deadlock or serialization failure. Either way each board's
 * records of the batch commit together or not at all. When the one-statement path committed
 * some boards and the locking path then fails, the whole batch is refused although part of it
 * is stored: the queue settles a batch as one, and a resent Yjs update is a harmless duplicate.
 */
export async function appendBatch(
  pool: pg.Pool,
  cache: SeqCache,
  batch: readonly QueuedAppend[],
  stats: AppendStats,
): Promise<number[]> {
  const seqs = new Array<number>(batch.length);
  const assign = ({ indices }: BoardGroup, firstSeq: number) => {
    indices.forEach((index, k) => {
      seqs[index] = firstSeq + k;
    });
  };
  let pending = groupByBoard(batch);
  try {
    const believed = pending.map(({ boardId }) => cache.get(boardId));
    if (believed.every((seq) => seq !== undefined)) {
      const moved = await guessedAppend(pool, batch, pending, believed as number[]);
      const missed: BoardGroup[] = [];
      pending.forEach((group, g) => {
        if (!moved.has(group.boardId)) {
          cache.miss(group.boardId);
          missed.push(group);
          return;
        }
        assign(group, believed[g]! + 1);
        cache.set(group.boardId, believed[g]! + group.indices.length);
      });
      pending = missed;
      if (pending.length === 0) {
        stats.fast += 1;
        return seqs;
      }
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const lastSeqs = await lockedAppend(pool, batch, pending);
        pending.forEach((group, g) => {
          assign(group, lastSeqs[g]! - group.indices.length + 1);
          cache.set(group.boardId, lastSeqs[g]!);
        });
        stats.locked += 1;
        return seqs;
      } catch (error) {
        if (classify(error) !== PostgresErrorCode.Conflict || attempt >= MAX_CONFLICT_ATTEMPTS)
          throw error;
        stats.conflictRetries += 1;
      }
    }
  } catch (error) {
    // The commit may or may not have happened (a connection cut during COMMIT): guess again
    // only after PostgreSQL has told us where these boards are.
    cache.forget(pending.map(({ boardId }) => boardId));
    throw error;
  }
}

/** The one-statement path; resolves with the boards whose records it committed. */
async function guessedAppend(
  pool: pg.Pool,
  batch: readonly QueuedAppend[],
  groups: readonly BoardGroup[],
  believed: readonly number[],
): Promise<Set<string>> {
  const rows = recordRows(
    batch,
    groups,
    believed.map((seq) => seq + 1),
    4,
  );
  try {
    const result = await pool.query<{ board_id: string }>(guessedAppendSql(rows.sql), [
      groups.map(({ boardId }) => boardId),
      believed,
      groups.map(({ indices }) => indices.length),
      ...rows.values,
    ]);
    return new Set(result.rows.map((row) => row.board_id));
  } catch (error) {
    // A deadlock rolled the statement back: nothing committed, so the locking path may retry.
    if (classify(error) === PostgresErrorCode.Conflict) return new Set();
    throw error;
  }
}

/** The locking path; resolves with each group's new last seq. */
function lockedAppend(
  pool: pg.Pool,
  batch: readonly QueuedAppend[],
  groups: readonly BoardGroup[],
): Promise<number[]> {
  return withClient(pool, async (client) => {
    try {
      // A multi-statement simple query answers with one result per statement.
      const results = (await client.query(beginAndBumpSql(groups))) as unknown as pg.QueryResult[];
      const bumped = results.at(-1)!.rows as { board_id: string; last_seq: string }[];
      const lastSeq = new Map(bumped.map((row) => [row.board_id, Number(row.last_seq)]));
      const lastSeqs = groups.map(({ boardId }) => {
        const seq = lastSeq.get(boardId);
        if (seq === undefined) throw new Error(`no last_seq returned for board ${boardId}`);
        return seq;
      });
      const rows = recordRows(
        batch,
        groups,
        groups.map(({ indices }, g) => lastSeqs[g]! - indices.length + 1),
        1,
      );
      await client.query(
        `INSERT INTO updates (board_id, seq, data, crc) VALUES ${rows.sql}`,
        rows.values,
      );
      await client.query('COMMIT');
      return lastSeqs;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}
