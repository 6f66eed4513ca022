import type { BatchBoundary } from '../flow/batchBoundary.js';
import { GroupCommitQueue, type QueuedAppend, type StorageWaiting } from './GroupCommitQueue.js';
import { MemoryAssets } from './memory/MemoryAssets.js';
import {
  type BoardRecords,
  MemoryBoards,
  MemoryLinks,
  MemoryState,
} from './memory/MemoryCatalog.js';
import { MemoryVersions } from './memory/MemoryVersions.js';
import type { CompactionResult, CompactOptions, Storage, StoredBoard } from './Storage.js';
import { buildSnapshot } from './snapshot.js';

/**
 * The storage contract in memory, for unit tests and as the reference behaviour. It commits
 * through the same group-commit queue as the durable backends, so callers see the same
 * asynchrony and ordering. `shared()` gives a second handle on the same records, as a second
 * process has on one database.
 */
export class MemoryStorage implements Storage {
  readonly links: MemoryLinks;
  readonly boards: MemoryBoards;
  readonly #state: MemoryState;
  readonly #boards: Map<string, BoardRecords>;
  readonly #queue: GroupCommitQueue;
  readonly versions: MemoryVersions;
  readonly assets: MemoryAssets;
  #closed = false;

  constructor(
    readonly shared = false,
    state = new MemoryState(),
    data?: { versions: MemoryVersions; assets: MemoryAssets },
  ) {
    this.#state = state;
    this.#boards = state.boards;
    this.#queue = new GroupCommitQueue({ commit: async (batch) => this.#commit(batch) });
    const head = (boardId: string) => this.#boards.get(boardId)?.lastSeq ?? 0;
    this.versions =
      data?.versions ?? new MemoryVersions({ head, read: (boardId) => this.load(boardId) });
    const versions = this.versions;
    this.assets =
      data?.assets ??
      new MemoryAssets({
        head,
        newestVersionSeq: (boardId) => versions.newestSeq(boardId),
        versionsRefer: (boardId, assetId) => versions.refers(boardId, assetId),
      });
    const ready = async () => {
      this.#assertOpen();
      await this.#queue.flush();
    };
    this.links = new MemoryLinks(state, ready);
    this.boards = new MemoryBoards(state, this.links, ready);
  }

  /** Another writer on the same records (both handles then report `shared`). */
  sharedHandle(): MemoryStorage {
    return new MemoryStorage(true, this.#state, { versions: this.versions, assets: this.assets });
  }

  append(boardId: string, update: Uint8Array): Promise<number> {
    return this.#queue.enqueue(boardId, update);
  }

  commitBoundary(boundary: BatchBoundary): void {
    this.#queue.useBoundary(boundary);
  }

  waiting(): StorageWaiting {
    return this.#queue.waiting();
  }

  load(boardId: string): Promise<StoredBoard> {
    return this.readSince(boardId, 0);
  }

  async readSince(boardId: string, afterSeq: number): Promise<StoredBoard> {
    this.#assertOpen();
    await this.#queue.flush();
    const board = this.#boards.get(boardId);
    const result: StoredBoard = {
      updates: [],
      lastSeq: afterSeq,
      bytes: 0,
      corrupt: 0,
      snapshot: false,
    };
    if (board === undefined) return result;
    let after = afterSeq;
    if (board.snapshot !== undefined && board.snapshot.throughSeq > afterSeq) {
      result.updates.push(board.snapshot.data.slice());
      result.snapshot = true;
      result.lastSeq = board.snapshot.throughSeq;
      after = board.snapshot.throughSeq;
    }
    for (const { seq, data, corrupt } of board.updates) {
      if (seq <= after) continue;
      result.lastSeq = seq;
      if (corrupt) result.corrupt++;
      else result.updates.push(data.slice());
    }
    result.bytes = result.updates.reduce((sum, data) => sum + data.byteLength, 0);
    return result;
  }

  /**
   * Damages record `seq` of `boardId` as a bad disk would: it no longer reads back. The durable
   * backends find such a record by its checksum; loads and reads skip it and count it `corrupt`,
   * and a compaction through it deletes it. False when there is no such record.
   */
  damage(boardId: string, seq: number): boolean {
    const record = this.#boards.get(boardId)?.updates.find((r) => r.seq === seq);
    if (!record) return false;
    record.corrupt = true;
    return true;
  }

  async headSeqs(boardIds: readonly string[]): Promise<Map<string, number>> {
    this.#assertOpen();
    return new Map(boardIds.map((id) => [id, this.#boards.get(id)?.lastSeq ?? 0]));
  }

  async compact(boardId: string, options: CompactOptions = {}): Promise<CompactionResult> {
    this.#assertOpen();
    const board = this.#boards.get(boardId);
    const through = board?.snapshot?.throughSeq ?? 0;
    const result: CompactionResult = {
      compacted: false,
      throughSeq: through,
      snapshotBytes: board?.snapshot?.data.byteLength ?? 0,
      records: 0,
    };
    const records = board?.updates ?? [];
    if (board === undefined || records.length < (options.minRecords ?? 2) || records.length === 0) {
      return { ...result, skipped: 'small' };
    }
    const readable = records.filter((r) => !r.corrupt).map((r) => r.data);
    const corrupt = records.length - readable.length;
    const parts = board.snapshot ? [board.snapshot.data, ...readable] : readable;
    const throughSeq = records.at(-1)!.seq;
    const state = buildSnapshot(parts);
    board.snapshot = { throughSeq, data: state };
    board.updates = board.updates.filter(({ seq }) => seq > throughSeq);
    return {
      compacted: true,
      throughSeq,
      snapshotBytes: state.byteLength,
      records: records.length,
      ...(corrupt > 0 ? { corrupt } : {}),
    };
  }

  async flush(): Promise<void> {
    this.#assertOpen();
    await this.#queue.flush();
  }

  async ping(): Promise<void> {
    this.#assertOpen();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.close();
  }

  /**
   * What a load would read now, without waiting for appends in flight: the snapshot and every
   * readable record. For tests that check what storage holds at one exact moment.
   */
  storedNow(boardId: string): Uint8Array[] {
    const board = this.#boards.get(boardId);
    if (board === undefined) return [];
    const through = board.snapshot?.throughSeq ?? 0;
    const records = board.updates.filter((r) => r.seq > through && !r.corrupt);
    return [...(board.snapshot ? [board.snapshot.data] : []), ...records.map((r) => r.data)];
  }

  /** Stored records of a board, mirroring `SqliteStorage.stats`. */
  async stats(boardId: string): Promise<{ updates: number; snapshots: number }> {
    const board = this.#boards.get(boardId);
    return {
      updates: board?.updates.length ?? 0,
      snapshots: board?.snapshot === undefined ? 0 : 1,
    };
  }

  #commit(batch: readonly QueuedAppend[]): number[] {
    return batch.map(({ boardId, data }) => {
      const board = this.#board(boardId);
      board.lastSeq += 1;
      board.updates.push({ seq: board.lastSeq, data });
      board.updatedAt = Date.now();
      return board.lastSeq;
    });
  }

  #board(boardId: string): BoardRecords {
    let board = this.#boards.get(boardId);
    if (board === undefined) {
      board = { lastSeq: 0, snapshot: undefined, updates: [], updatedAt: null, name: null };
      this.#boards.set(boardId, board);
    }
    return board;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('storage is closed');
  }
}
