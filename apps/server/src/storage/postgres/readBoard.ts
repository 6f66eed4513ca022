import type pg from 'pg';
import { type RecordCheck, type RecordKind, verifyRecord } from '../records.js';
import type { StoredBoard } from '../Storage.js';

/** Row kinds of `READ_SQL`, in the order the rows are used. */
const HEAD = 0;
const SNAPSHOT = 1;
const UPDATE = 2;

/**
 * Everything a read needs in one statement, so one round trip and one MVCC snapshot: the
 * board's head (last_seq), its stored snapshot when it covers records after `afterSeq`, and the
 * records after both. The seq of the stored snapshot row comes back even when the snapshot is
 * not wanted, for compaction's re-check.
 */
const READ_SQL = `WITH snap AS (
    SELECT through_seq, data, crc FROM snapshots WHERE board_id = $1
  )
  -- The head row carries last_seq in seq and the stored snapshot's through_seq in crc.
  SELECT ${HEAD} AS kind, coalesce((SELECT last_seq FROM boards WHERE board_id = $1), 0) AS seq,
         NULL::bytea AS data, coalesce((SELECT through_seq FROM snap), 0) AS crc
  UNION ALL
  SELECT ${SNAPSHOT}, through_seq, data, crc FROM snap WHERE through_seq > $2
  UNION ALL
  SELECT ${UPDATE}, seq, data, crc FROM updates
  WHERE board_id = $1 AND seq > greatest($2::int8, coalesce((SELECT through_seq FROM snap), 0))`;

interface ReadRow {
  kind: number;
  /** int8 arrives as a decimal string. */
  seq: string;
  data: Buffer | null;
  crc: string;
}

export interface BoardRead {
  board: StoredBoard;
  /** The board's last_seq when read (0 for a board never written). */
  head: number;
  /** through_seq of the stored snapshot row, sound or not (0 when there is none). */
  snapshotSeq: number;
}

/**
 * Reads the board after `afterSeq` (see `Storage.readSince`). A record whose checksum does not
 * bind it to this board, this seq and these bytes is skipped and counted, never thrown.
 */
export async function readBoard(
  db: pg.Pool | pg.PoolClient,
  boardId: string,
  afterSeq: number,
  onCorrupt: (check: RecordCheck & { reason: string }) => void,
): Promise<BoardRead> {
  const { rows } = await db.query<ReadRow>(READ_SQL, [boardId, afterSeq]);
  // UNION ALL promises no order: sort here (snapshot first, then by seq) rather than have the
  // server sort rows that carry the payloads.
  const records = rows
    .filter((row) => row.kind !== HEAD)
    .map((row) => ({ ...row, seqNumber: Number(row.seq) }))
    .sort((a, b) => a.kind - b.kind || a.seqNumber - b.seqNumber);
  const headRow = rows.find((row) => row.kind === HEAD);
  const board: StoredBoard = {
    updates: [],
    lastSeq: afterSeq,
    bytes: 0,
    corrupt: 0,
    snapshot: false,
  };
  for (const row of records) {
    const kind: RecordKind = row.kind === SNAPSHOT ? 'snapshot' : 'update';
    const check: RecordCheck = {
      kind,
      boardId,
      seq: row.seqNumber,
      data: row.data,
      crc: Number(row.crc),
    };
    const reason = verifyRecord(check);
    if (reason !== undefined) {
      board.corrupt += 1;
      onCorrupt({ ...check, reason });
    } else {
      board.updates.push(ownBytes(row.data!));
      board.bytes += row.data!.byteLength;
      if (kind === 'snapshot') board.snapshot = true;
    }
    // A damaged record still counts as read: a reader must not ask for it again forever.
    board.lastSeq = Math.max(board.lastSeq, row.seqNumber);
  }
  return {
    board,
    head: Number(headRow?.seq ?? 0),
    snapshotSeq: Number(headRow?.crc ?? 0),
  };
}

/**
 * The bytes in an ArrayBuffer of their own. node-postgres decodes small values into Node's
 * shared buffer pool: a caller writing into such a view would overwrite unrelated buffers.
 */
function ownBytes(data: Buffer): Uint8Array {
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) {
    return new Uint8Array(data.buffer, 0, data.byteLength);
  }
  return new Uint8Array(data);
}

/** Last seq of each board, in one query (0 for a board never written). */
export async function readHeads(
  db: pg.Pool,
  boardIds: readonly string[],
): Promise<Map<string, number>> {
  const heads = new Map(boardIds.map((id) => [id, 0]));
  if (boardIds.length === 0) return heads;
  const { rows } = await db.query<{ board_id: string; last_seq: string }>(
    'SELECT board_id, last_seq FROM boards WHERE board_id = ANY($1::text[])',
    [boardIds],
  );
  for (const row of rows) heads.set(row.board_id, Number(row.last_seq));
  return heads;
}
