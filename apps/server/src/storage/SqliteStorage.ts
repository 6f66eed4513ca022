import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import Database from 'better-sqlite3';
import { type Logger, silentLogger } from '../logger.js';
import type { Storage, StoredBoard } from './Storage.js';

export interface CommitInfo {
  /** Appends committed by this transaction. */
  records: number;
  /** Payload bytes committed by this transaction. */
  bytes: number;
  /** Wall time of the transaction, fsync included. */
  seconds: number;
}

export interface SqliteStorageOptions {
  /** Database file; its parent directory is created if missing. */
  file: string;
  logger?: Logger;
  /** Called after every group commit of appends (metrics). Compactions are not reported. */
  onCommit?: (info: CommitInfo) => void;
  /**
   * FULL (default) fsyncs the WAL on every commit so an ack survives an OS crash or power loss.
   * NORMAL still survives a process crash but may lose the last commits on power loss.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

interface PendingAppend {
  boardId: string;
  data: Buffer;
  resolve: (seq: number) => void;
  reject: (error: Error) => void;
}

/** `data` is unknown because a damaged file may hold NULL or text where a blob belongs. */
interface RecordRow {
  seq: number;
  data: unknown;
  crc: number;
}

/**
 * Migration i brings the file from user_version i to i + 1. Never edit a shipped entry: files in
 * the field are at that version already; append a new one instead.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE boards (
     board_id TEXT PRIMARY KEY NOT NULL,
     last_seq INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE updates (
     board_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     data BLOB NOT NULL,
     crc INTEGER NOT NULL,
     PRIMARY KEY (board_id, seq)
   );
   CREATE TABLE snapshots (
     board_id TEXT PRIMARY KEY NOT NULL,
     through_seq INTEGER NOT NULL,
     data BLOB NOT NULL,
     crc INTEGER NOT NULL
   );`,
];

const BUSY_TIMEOUT_MS = 5000;

/**
 * The checksum covers where a record belongs as well as its bytes, so a record that is intact but
 * sits under the wrong board or seq (a misdirected write, a bad manual repair) is also rejected.
 */
export function recordChecksum(
  kind: 'update' | 'snapshot',
  boardId: string,
  seq: number,
  data: Uint8Array,
): number {
  return crc32(data, crc32(`${kind}\0${boardId}\0${seq}\0`));
}

/**
 * Storage in one SQLite file (WAL mode). Appends issued in the same event-loop turn are committed
 * by one transaction on the next turn, so they share one fsync.
 */
export class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  private readonly logger: Logger;
  private readonly onCommit: ((info: CommitInfo) => void) | undefined;
  private queue: PendingAppend[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private closed = false;
  private readonly tx: Transactions;

  constructor(options: SqliteStorageOptions) {
    this.logger = (options.logger ?? silentLogger).child({ component: 'sqlite-storage' });
    this.onCommit = options.onCommit;
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    const db = new Database(options.file);
    this.db = db;
    try {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') this.logger.warn({ file: options.file, mode }, 'WAL mode unavailable');
      db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      migrate(db, options.file);
    } catch (error) {
      db.close();
      throw error;
    }

    this.tx = prepareTransactions(db);
  }

  append(boardId: string, update: Uint8Array): Promise<number> {
    if (this.closed) return Promise.reject(closedError());
    if (!(update instanceof Uint8Array)) {
      return Promise.reject(new TypeError('append: update must be a Uint8Array'));
    }
    return new Promise<number>((resolve, reject) => {
      // Copy now: the caller may reuse its buffer before the commit on the next turn.
      this.queue.push({ boardId, data: Buffer.from(update), resolve, reject });
      this.scheduled ??= setImmediate(() => {
        this.scheduled = undefined;
        this.commitQueued();
      });
    });
  }

  async load(boardId: string): Promise<StoredBoard> {
    this.assertOpen();
    this.commitQueued();
    const { snapshot, rows } = this.tx.readBoard(boardId);
    const updates: Uint8Array[] = [];
    let lastSeq = 0;
    let bytes = 0;
    let corrupt = 0;
    const accept = (kind: 'update' | 'snapshot', seq: number, data: unknown, crc: number) => {
      const reason = verify(kind, boardId, seq, data, crc);
      if (reason !== undefined) {
        corrupt += 1;
        this.logger.warn({ boardId, kind, seq, reason }, 'skipping corrupt record');
        return;
      }
      const buffer = data as Buffer;
      updates.push(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
      lastSeq = seq;
      bytes += buffer.byteLength;
    };
    if (snapshot !== undefined) {
      accept('snapshot', snapshot.seq, snapshot.data, snapshot.crc);
    }
    for (const row of rows) accept('update', row.seq, row.data, row.crc);
    return { updates, lastSeq, bytes, corrupt };
  }

  async compact(boardId: string, state: Uint8Array, throughSeq: number): Promise<void> {
    this.assertOpen();
    if (!(state instanceof Uint8Array)) throw new TypeError('compact: state must be a Uint8Array');
    if (!Number.isSafeInteger(throughSeq) || throughSeq < 0) {
      throw new RangeError(`compact: invalid throughSeq ${throughSeq}`);
    }
    // Commit queued appends first: they get seqs above anything the caller has seen acked, so
    // they stay after the snapshot instead of racing with the delete.
    this.commitQueued();
    const data = Buffer.from(state);
    this.tx.writeSnapshot(
      boardId,
      data,
      throughSeq,
      recordChecksum('snapshot', boardId, throughSeq, data),
    );
  }

  async flush(): Promise<void> {
    this.assertOpen();
    const error = this.commitQueued();
    if (error !== undefined) throw error;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.commitQueued();
    this.db.close();
  }

  /** Committed rows of a board, for tests and diagnostics; queued appends are not counted. */
  stats(boardId: string): { updates: number; snapshots: number } {
    this.assertOpen();
    // Prepared per call: a diagnostic, not worth a statement held for the storage's lifetime.
    return this.db
      .prepare<[{ id: string }], { updates: number; snapshots: number }>(
        `SELECT (SELECT count(*) FROM updates WHERE board_id = @id) AS updates,
                (SELECT count(*) FROM snapshots WHERE board_id = @id) AS snapshots`,
      )
      .get({ id: boardId })!;
  }

  /** Commits the queue now; returns the error the batch was rejected with, if any. */
  private commitQueued(): Error | undefined {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    const batch = this.queue;
    if (batch.length === 0) return undefined;
    this.queue = [];

    const started = process.hrtime.bigint();
    let seqs: number[];
    try {
      seqs = this.tx.writeBatch(batch);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      const error = new Error(`storage commit failed: ${message}`, { cause });
      this.logger.error({ err: cause, records: batch.length }, 'group commit failed');
      for (const pending of batch) pending.reject(error);
      return error;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    let bytes = 0;
    batch.forEach((pending, i) => {
      bytes += pending.data.byteLength;
      pending.resolve(seqs[i]!);
    });
    try {
      this.onCommit?.({ records: batch.length, bytes, seconds });
    } catch (error) {
      // A broken metrics hook must not turn a durable commit into a failure.
      this.logger.warn({ err: error }, 'onCommit hook threw');
    }
    return undefined;
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }
}

type Transactions = ReturnType<typeof prepareTransactions>;

function prepareTransactions(db: Database.Database) {
  const getLastSeq = db.prepare<[string], number>('SELECT last_seq FROM boards WHERE board_id = ?');
  getLastSeq.pluck();
  const setLastSeq = db.prepare<[string, number]>(
    `INSERT INTO boards (board_id, last_seq) VALUES (?, ?)
     ON CONFLICT (board_id) DO UPDATE SET last_seq = excluded.last_seq`,
  );
  const insertUpdate = db.prepare<[string, number, Buffer, number]>(
    'INSERT INTO updates (board_id, seq, data, crc) VALUES (?, ?, ?, ?)',
  );
  const selectSnapshot = db.prepare<[string], RecordRow>(
    'SELECT through_seq AS seq, data, crc FROM snapshots WHERE board_id = ?',
  );
  const selectUpdates = db.prepare<[string, number], RecordRow>(
    'SELECT seq, data, crc FROM updates WHERE board_id = ? AND seq > ? ORDER BY seq',
  );
  const upsertSnapshot = db.prepare<[string, number, Buffer, number]>(
    `INSERT INTO snapshots (board_id, through_seq, data, crc) VALUES (?, ?, ?, ?)
     ON CONFLICT (board_id) DO UPDATE SET
       through_seq = excluded.through_seq, data = excluded.data, crc = excluded.crc`,
  );
  const deleteUpdates = db.prepare<[string, number]>(
    'DELETE FROM updates WHERE board_id = ? AND seq <= ?',
  );
  // IMMEDIATE takes the write lock up front: a deferred transaction that upgrades to writing
  // gets SQLITE_BUSY without waiting when another connection wrote in between.
  const writeBatch = db.transaction((batch: readonly PendingAppend[]) => {
    // The next seq lives in `boards`, not in max(seq), because compaction deletes rows and a
    // reused seq would hide the record behind the snapshot's through_seq.
    const lastSeqs = new Map<string, number>();
    const seqs = batch.map(({ boardId, data }) => {
      const seq = (lastSeqs.get(boardId) ?? getLastSeq.get(boardId) ?? 0) + 1;
      lastSeqs.set(boardId, seq);
      insertUpdate.run(boardId, seq, data, recordChecksum('update', boardId, seq, data));
      return seq;
    });
    for (const [boardId, seq] of lastSeqs) setLastSeq.run(boardId, seq);
    return seqs;
  }).immediate;

  // One read transaction so the snapshot and the updates after it are from the same state.
  const readBoard = db.transaction((boardId: string) => {
    const snapshot = selectSnapshot.get(boardId);
    return { snapshot, rows: selectUpdates.all(boardId, snapshot?.seq ?? 0) };
  }).deferred;

  const writeSnapshot = db.transaction(
    (boardId: string, state: Buffer, throughSeq: number, crc: number) => {
      const current = selectSnapshot.get(boardId);
      // Equal throughSeq replaces: the newer state may hold more than the log (an update whose
      // append failed is only in memory), and both cover every record up to throughSeq.
      if (current !== undefined && current.seq > throughSeq) return;
      const lastSeq = getLastSeq.get(boardId) ?? 0;
      if (throughSeq > lastSeq) {
        // Seqs up to throughSeq were never handed out; later appends would get them and load
        // would hide them behind the snapshot.
        throw new RangeError(
          `compact(${boardId}): throughSeq ${throughSeq} is beyond the last seq ${lastSeq}`,
        );
      }
      upsertSnapshot.run(boardId, throughSeq, state, crc);
      deleteUpdates.run(boardId, throughSeq);
    },
  ).immediate;

  return { writeBatch, readBoard, writeSnapshot };
}

function migrate(db: Database.Database, file: string): void {
  // Read the version inside the write transaction so two processes opening a fresh file cannot
  // both run the same migration.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(
        `${file} has schema version ${version}; this server supports up to ${MIGRATIONS.length}`,
      );
    }
    MIGRATIONS.slice(version).forEach((sql, i) => {
      db.exec(sql);
      db.pragma(`user_version = ${version + i + 1}`);
    });
  }).immediate();
}

/** Why the record must be skipped, or undefined if it is sound. */
function verify(
  kind: 'update' | 'snapshot',
  boardId: string,
  seq: number,
  data: unknown,
  crc: number,
): string | undefined {
  if (!Buffer.isBuffer(data)) return `data is ${data === null ? 'NULL' : typeof data}, not a blob`;
  if (recordChecksum(kind, boardId, seq, data) !== crc) return 'checksum mismatch';
  return undefined;
}

function closedError(): Error {
  return new Error('storage is closed');
}
