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

/**
 * A batch's records as the parameters `recordsFrom` reads: the board, seq and checksum of each,
 * and all their bytes in one buffer with each record's offset and length (int4: a batch holds at
 * most the queue's byte bound, or one record). Six parameters whatever the batch's size, so the
 * statements are prepared once per connection. With a parameter per record value, and so a
 * statement text per batch size, PostgreSQL parsed and planned every commit: 1.2 ms per commit
 * of 31 records against 0.9 ms this way (unloaded, fsync included); in the fan-out bench on
 * PostgreSQL, 2.9 ms against 2.5-2.8 ms.
 */
function recordParams(
  batch: readonly QueuedAppend[],
  groups: readonly BoardGroup[],
  firstSeqs: readonly number[],
): unknown[] {
  const boardIds: string[] = [];
  const seqs: number[] = [];
  const offsets: number[] = [];
  const lengths: number[] = [];
  const crcs: number[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  groups.forEach(({ boardId, indices }, g) => {
    indices.forEach((index, k) => {
      const seq = firstSeqs[g]! + k;
      const { data } = batch[index]!;
      boardIds.push(boardId);
      seqs.push(seq);
      offsets.push(offset);
      lengths.push(data.byteLength);
      crcs.push(recordChecksum('update', boardId, seq, data));
      parts.push(data);
      offset += data.byteLength;
    });
  });
  // One Buffer, sent in binary (a bare Uint8Array would be sent as text); a batch of one record
  // (a large paste, say) is sent from its own bytes, not copied first.
  const only = parts.length === 1 ? parts[0]! : null;
  const bytes = only
    ? Buffer.from(only.buffer, only.byteOffset, only.byteLength)
    : Buffer.concat(parts, offset);
  return [boardIds, seqs, bytes, offsets, lengths, crcs];
}

/**
 * The records of `recordParams` from parameter `$first` on, as rows (board_id, seq, data, crc):
 * each record's bytes cut from the one buffer.
 */
function recordsFrom(first: number): string {
  const p = (i: number) => `$${first + i}`;
  return `SELECT r.board_id, r.seq, substring(${p(2)}::bytea FROM r.off + 1 FOR r.len) AS data, r.crc
    FROM unnest(${p(0)}::text[], ${p(1)}::int8[], ${p(3)}::int4[], ${p(4)}::int4[], ${p(5)}::int8[])
      AS r(board_id, seq, off, len, crc)`;
}

/**
 * One statement, one round trip, atomic on its own: each board's row in `boards` moves from the
 * seq we believe to that plus its record count only if our belief still holds (the row is
 * locked and re-read by ON CONFLICT, so a concurrent writer is waited for, then seen); its
 * records are inserted only for the boards that moved. A board we believe new is inserted only
 * if no row exists; one we believe old only if its row exists (a restored, older database).
 */
const GUESSED_APPEND = {
  name: 'drawbridge-append-guessed',
  text: `WITH input AS (
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
    SELECT r.board_id, r.seq, r.data, r.crc FROM (${recordsFrom(4)}) AS r
    WHERE r.board_id IN (SELECT board_id FROM bump)
  )
  SELECT board_id FROM bump`,
};

/** The locking path's insert, after its BEGIN and bump. */
const LOCKED_INSERT = {
  name: 'drawbridge-append-locked',
  text: `INSERT INTO updates (board_id, seq, data, crc) ${recordsFrom(1)}`,
};

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
  const records = recordParams(
    batch,
    groups,
    believed.map((seq) => seq + 1),
  );
  try {
    const result = await pool.query<{ board_id: string }>({
      ...GUESSED_APPEND,
      values: [
        groups.map(({ boardId }) => boardId),
        believed,
        groups.map(({ indices }) => indices.length),
        ...records,
      ],
    });
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
      const records = recordParams(
        batch,
        groups,
        groups.map(({ indices }, g) => lastSeqs[g]! - indices.length + 1),
      );
      await client.query({ ...LOCKED_INSERT, values: records });
      await client.query('COMMIT');
      return lastSeqs;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}
