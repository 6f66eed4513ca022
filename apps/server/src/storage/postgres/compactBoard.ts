import type pg from 'pg';
import { type RecordCheck, recordChecksum } from '../records.js';
import type { CompactionResult } from '../Storage.js';
import { withClient, withTryLock } from './connection.js';
import { readBoard } from './readBoard.js';
import { compactionLock } from './schema.js';

export interface CompactDeps {
  pool: pg.Pool;
  /** Builds the snapshot off the event loop; null when none can hold the records yet. */
  build: (updates: readonly Uint8Array[]) => Promise<Uint8Array>;
  onCorrupt: (check: RecordCheck & { reason: string }) => void;
  /** Another writer holds the board's compaction lock. */
  onLockContended: (boardId: string) => void;
}

/**
 * Stores the new snapshot through `throughSeq` and deletes exactly the records it covers, in one
 * statement (atomic on its own), unless the stored snapshot moved off `expected` since it was
 * read. ON CONFLICT locks and re-reads the snapshot row, so a concurrent change is seen.
 */
const REPLACE_SQL = `WITH stored AS (
    INSERT INTO snapshots AS s (board_id, through_seq, data, crc) VALUES ($1, $3, $4, $5)
    ON CONFLICT (board_id) DO UPDATE
      SET through_seq = EXCLUDED.through_seq, data = EXCLUDED.data, crc = EXCLUDED.crc
    WHERE s.through_seq = $2
    RETURNING 1
  ), deleted AS (
    DELETE FROM updates WHERE board_id = $1 AND seq <= $3 AND EXISTS (SELECT 1 FROM stored)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM stored)::int4 AS stored, (SELECT count(*) FROM deleted)::int4 AS deleted`;

/**
 * Compacts one board, one compactor per board across every node: the board's advisory lock is
 * tried (never waited for) on a connection held for the whole compaction, and released on every
 * path; if the connection dies, PostgreSQL releases it with the session.
 *
 * The snapshot is built from the stored snapshot and records as read (never from a node's
 * memory), through the last seq read. Records committed after the read have higher seqs (a
 * board's seqs commit in order, see `appendBatch`), so they stay in the log after the snapshot.
 */
export function compactBoard(
  deps: CompactDeps,
  boardId: string,
  minRecords: number,
): Promise<CompactionResult> {
  return withClient(deps.pool, (client) =>
    withTryLock(
      client,
      compactionLock(boardId),
      () => compactLocked(deps, client, boardId, minRecords),
      () => {
        deps.onLockContended(boardId);
        return lockedOut(client, boardId);
      },
    ),
  );
}

async function compactLocked(
  deps: CompactDeps,
  client: pg.PoolClient,
  boardId: string,
  minRecords: number,
): Promise<CompactionResult> {
  const { board, snapshotSeq } = await readBoard(client, boardId, 0, deps.onCorrupt);
  const records = board.updates.length - (board.snapshot ? 1 : 0);
  const unchanged: CompactionResult = {
    compacted: false,
    throughSeq: snapshotSeq,
    snapshotBytes: board.snapshot ? board.updates[0]!.byteLength : 0,
    records: 0,
  };
  if (records + board.corrupt < minRecords || board.lastSeq <= snapshotSeq) {
    return { ...unchanged, skipped: 'small' };
  }
  const state = await deps.build(board.updates);
  const throughSeq = board.lastSeq;
  const { rows } = await client.query<{ stored: number; deleted: number }>(REPLACE_SQL, [
    boardId,
    snapshotSeq,
    throughSeq,
    Buffer.from(state.buffer, state.byteOffset, state.byteLength),
    recordChecksum('snapshot', boardId, throughSeq, state),
  ]);
  // Only a compactor that ignores the lock (a manual repair, an old version) can get here.
  if (rows[0]!.stored === 0) return { ...unchanged, skipped: 'locked' };
  return {
    compacted: true,
    throughSeq,
    snapshotBytes: state.byteLength,
    records: records + board.corrupt,
    ...(board.corrupt > 0 ? { corrupt: board.corrupt } : {}),
  };
}

/** What a compaction that found the board locked reports: the snapshot as it stands. */
async function lockedOut(client: pg.PoolClient, boardId: string): Promise<CompactionResult> {
  const { rows } = await client.query<{ through_seq: string; bytes: number }>(
    'SELECT through_seq, octet_length(data) AS bytes FROM snapshots WHERE board_id = $1',
    [boardId],
  );
  return {
    compacted: false,
    skipped: 'locked',
    throughSeq: Number(rows[0]?.through_seq ?? 0),
    snapshotBytes: rows[0]?.bytes ?? 0,
    records: 0,
  };
}
