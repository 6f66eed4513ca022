import type { Storage, StoredBoard } from './Storage.js';

interface BoardRecords {
  /** Survives compaction so seqs are never reused. */
  lastSeq: number;
  snapshot: { throughSeq: number; data: Uint8Array } | undefined;
  updates: { seq: number; data: Uint8Array }[];
}

interface PendingAppend {
  boardId: string;
  data: Uint8Array;
  resolve: (seq: number) => void;
}

/**
 * The storage contract in memory, for unit tests and as the reference behaviour. It queues and
 * group-commits like the durable backends so callers see the same asynchrony and ordering.
 */
export class MemoryStorage implements Storage {
  private readonly boards = new Map<string, BoardRecords>();
  private queue: PendingAppend[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private closed = false;

  append(boardId: string, update: Uint8Array): Promise<number> {
    if (this.closed) return Promise.reject(closedError());
    if (!(update instanceof Uint8Array)) {
      return Promise.reject(new TypeError('append: update must be a Uint8Array'));
    }
    return new Promise<number>((resolve) => {
      // Copy now: the caller may reuse its buffer, and load must not hand out our own copy.
      this.queue.push({ boardId, data: update.slice(), resolve });
      this.scheduled ??= setImmediate(() => {
        this.scheduled = undefined;
        this.commitQueued();
      });
    });
  }

  async load(boardId: string): Promise<StoredBoard> {
    this.assertOpen();
    this.commitQueued();
    const board = this.boards.get(boardId);
    if (board === undefined) return { updates: [], lastSeq: 0, bytes: 0, corrupt: 0 };
    const records = board.snapshot === undefined ? [] : [board.snapshot.data];
    for (const { data } of board.updates) records.push(data);
    const updates = records.map((data) => data.slice());
    const lastSeq = board.updates.at(-1)?.seq ?? board.snapshot?.throughSeq ?? 0;
    const bytes = updates.reduce((sum, data) => sum + data.byteLength, 0);
    return { updates, lastSeq, bytes, corrupt: 0 };
  }

  async compact(boardId: string, state: Uint8Array, throughSeq: number): Promise<void> {
    this.assertOpen();
    if (!(state instanceof Uint8Array)) throw new TypeError('compact: state must be a Uint8Array');
    if (!Number.isSafeInteger(throughSeq) || throughSeq < 0) {
      throw new RangeError(`compact: invalid throughSeq ${throughSeq}`);
    }
    // Same ordering as SqliteStorage: queued appends get seqs after anything already acked.
    this.commitQueued();
    const board = this.board(boardId);
    if (board.snapshot !== undefined && board.snapshot.throughSeq > throughSeq) return;
    if (throughSeq > board.lastSeq) {
      throw new RangeError(
        `compact(${boardId}): throughSeq ${throughSeq} is beyond the last seq ${board.lastSeq}`,
      );
    }
    board.snapshot = { throughSeq, data: state.slice() };
    board.updates = board.updates.filter(({ seq }) => seq > throughSeq);
  }

  async flush(): Promise<void> {
    this.assertOpen();
    this.commitQueued();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.commitQueued();
  }

  /** Stored records of a board, mirroring `SqliteStorage.stats`. */
  stats(boardId: string): { updates: number; snapshots: number } {
    const board = this.boards.get(boardId);
    return {
      updates: board?.updates.length ?? 0,
      snapshots: board?.snapshot === undefined ? 0 : 1,
    };
  }

  private commitQueued(): void {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    const batch = this.queue;
    this.queue = [];
    for (const { boardId, data, resolve } of batch) {
      const board = this.board(boardId);
      board.lastSeq += 1;
      board.updates.push({ seq: board.lastSeq, data });
      resolve(board.lastSeq);
    }
  }

  private board(boardId: string): BoardRecords {
    let board = this.boards.get(boardId);
    if (board === undefined) {
      board = { lastSeq: 0, snapshot: undefined, updates: [] };
      this.boards.set(boardId, board);
    }
    return board;
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }
}

function closedError(): Error {
  return new Error('storage is closed');
}
