import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { QueuedAppend } from '../GroupCommitQueue.js';
import { continueChecksum, type RecordCheck, verifyRecord } from '../records.js';
import type { CompactionResult, StoredBoard } from '../Storage.js';

export type CompactionInput =
  | { skip: CompactionResult }
  | {
      parts: Uint8Array[];
      expected: number;
      throughSeq: number;
      records: number;
      corrupt: number;
      snapshotBytes: number;
    };

import type { StrayParts } from './boardParts.js';
import { MIGRATIONS, prepareStatements, type Statements } from './schema.js';
import type { SnapshotContent } from './snapshotParts.js';

export interface SqliteLogOptions {
  file: string;
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * A read-only connection to a file another connection has opened and migrated: it reads
   * (WAL lets it run beside that connection's commits) and never writes.
   */
  readonly?: boolean;
  /** Told about every record skipped because it failed its checksum. */
  onCorrupt?: (check: RecordCheck) => void;
}

const BUSY_TIMEOUT_MS = 5000;

/**
 * The WAL is copied back into the database by the commit that takes it past this many pages
 * (SQLite's default: 1,000, 4 MB), and every ack behind that commit waits for the copy and its
 * fsync. A quarter of the default makes each copy a quarter as long for about the same work in
 * all: timed inside the commit thread, the longest commit of a fan-out burst (12,000 edits in
 * ~430 commits) went from 12-23 ms to 9-10 ms, commits over 5 ms from 17-19 to 10-12, and the
 * commits' total time from 542-619 to 503-575 ms (deliveries/s unchanged: 555k, 574k against
 * 565k, 554k); under the flood scenario's round trips the longest from 19-26 ms to 10-11 ms.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 256;

/**
 * The synchronous SQLite side of `SqliteStorage`: one connection, the schema and every
 * statement. It runs in the storage worker thread, so its fsyncs never hold the event loop.
 * Several connections (processes) may share one file: sequence numbers are taken inside
 * IMMEDIATE transactions, and compaction commits only if no other compaction got there first.
 */
export class SqliteLog {
  readonly #db: Database.Database;
  readonly #statements: Statements;
  readonly #onCorrupt: ((check: RecordCheck) => void) | undefined;

  constructor(options: SqliteLogOptions) {
    if (options.readonly) {
      if (options.file === ':memory:') throw new Error('a read-only connection needs a file');
    } else if (options.file !== ':memory:') {
      mkdirSync(dirname(options.file), { recursive: true });
    }
    const db = new Database(options.file, { readonly: options.readonly === true });
    try {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
        db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
        migrate(db, options.file);
      }
      this.#statements = prepareStatements(db);
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
    this.#onCorrupt = options.onCorrupt;
  }

  /** The connection, for the catalog's statements (`SqliteCatalog`) in the same worker. */
  get database(): Database.Database {
    return this.#db;
  }

  get journalMode(): string {
    return String(this.#db.pragma('journal_mode', { simple: true }));
  }

  /** Commits the batch in one transaction; the seqs in batch order. */
  commit(batch: readonly QueuedAppend[]): number[] {
    return this.#statements.writeBatch(batch);
  }

  readSince(boardId: string, afterSeq: number): StoredBoard {
    return this.#read(boardId, afterSeq).board;
  }

  /** The board after `afterSeq`, and the seq its stored snapshot covers, from one transaction. */
  #read(boardId: string, afterSeq: number): { board: StoredBoard; snapshotSeq: number } {
    const { snapshot, snapshotSeq, rows } = this.#statements.readSince(boardId, afterSeq);
    const board: StoredBoard = {
      updates: [],
      lastSeq: afterSeq,
      bytes: 0,
      corrupt: 0,
      snapshot: false,
    };
    const accept = (kind: 'update' | 'snapshot', seq: number, data: unknown, crc: number) => {
      const check: RecordCheck = { kind, boardId, seq, data, crc };
      const reason = verifyRecord(check);
      if (reason !== undefined) {
        board.corrupt += 1;
        this.#onCorrupt?.({ ...check, reason });
      } else {
        const buffer = data as Buffer;
        board.updates.push(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
        board.bytes += buffer.byteLength;
        if (kind === 'snapshot') board.snapshot = true;
      }
      board.lastSeq = Math.max(board.lastSeq, seq);
    };
    if (snapshot !== undefined) accept('snapshot', snapshot.seq, snapshot.data, snapshot.crc);
    for (const row of rows) accept('update', row.seq, row.data, row.crc);
    return { board, snapshotSeq };
  }

  headSeqs(boardIds: readonly string[]): Map<string, number> {
    const heads = new Map<string, number>();
    for (const id of boardIds) heads.set(id, this.#statements.getLastSeq.get(id) ?? 0);
    return heads;
  }

  /**
   * What a compaction of the board starts from: the stored snapshot and records (to build the
   * new snapshot from, elsewhere: it takes seconds on a large board and this thread also serves
   * the commits), or why there is nothing to do.
   */
  compactionInput(boardId: string, minRecords: number): CompactionInput {
    const { board: read, snapshotSeq: current } = this.#read(boardId, 0);
    const records = read.updates.length - (read.snapshot ? 1 : 0);
    const snapshotBytes = read.snapshot ? read.updates[0]!.byteLength : 0;
    if (records + read.corrupt < minRecords || read.lastSeq <= current) {
      return {
        skip: {
          compacted: false,
          skipped: 'small',
          throughSeq: current,
          snapshotBytes,
          records: 0,
        },
      };
    }
    return {
      parts: read.updates,
      expected: current,
      throughSeq: read.lastSeq,
      records: records + read.corrupt,
      corrupt: read.corrupt,
      snapshotBytes,
    };
  }

  /**
   * Stores the snapshot through `throughSeq` (its bytes, or parts already written) and deletes
   * exactly the records up to it, in one write transaction. Not written if another connection
   * compacted the board since `expected` was read. `drop`: parts no snapshot refers to now.
   */
  replaceSnapshot(
    boardId: string,
    expected: number,
    throughSeq: number,
    content: SnapshotContent,
  ): { written: boolean; drop: string | null } {
    return this.#statements.replaceSnapshot(boardId, expected, throughSeq, content);
  }

  /** Writes one part of a snapshot (committed on its own); `crc` continued over its bytes. */
  writeSnapshotPart(
    boardId: string,
    token: string,
    idx: number,
    data: Uint8Array,
    crc: number,
  ): number {
    this.#statements.parts.write(boardId, token, idx, data);
    return continueChecksum(crc, data);
  }

  /** Deletes up to `limit` parts of `token` in one transaction; how many it deleted. */
  dropSnapshotParts(boardId: string, token: string, limit: number): number {
    return this.#statements.parts.drop(boardId, token, limit);
  }

  /** Parts of the board's snapshots that nothing refers to, left long ago by a dead writer. */
  orphanSnapshotParts(boardId: string, now: number): string[] {
    return this.#statements.parts.orphans(boardId, now);
  }

  /** The same, of every board, up to `limit` snapshot writes (`StrayPartSweep`). */
  straySnapshotParts(now: number, limit: number): StrayParts[] {
    return this.#statements.parts.strays(now, limit);
  }

  /** Committed rows of a board, for tests and diagnostics. */
  stats(boardId: string): { updates: number; snapshots: number } {
    return this.#statements.stats.get({ id: boardId })!;
  }

  close(): void {
    this.#db.close();
  }
}

/** Brings `file` to this version's schema (a new file: creates it); refuses a newer one. */
export function migrate(db: Database.Database, file: string): void {
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
