import { readBoardName } from '@drawbridge/board';
import type { Clock } from '../clock.js';
import type { CensusEntry } from '../cluster/interServer.js';
import type { Logger } from '../logger.js';
import type { RoomManager } from '../rooms/RoomManager.js';
import type { BoardDataStore } from '../storage/BoardDataStore.js';
import type { Storage } from '../storage/Storage.js';
import type { Evictions } from './Evictions.js';
import type { NodeCommands } from './NodeCommands.js';

export interface BoardListing {
  id: string;
  /** From a copy loaded on some node when there is one (it is current), else as stored. */
  name: string | null;
  /** Stored bytes of the document, plus what the board's data stores hold. */
  bytes: number;
  /** When a change was last stored (ISO 8601), null when not known. */
  updatedAt: string | null;
  /** Members online on every node that answered. */
  members: number;
}

export interface BoardAdminDeps {
  storage: Storage;
  rooms: RoomManager;
  evictions: Evictions;
  /** Set once the Socket.IO server exists (the commands need it). */
  commands: () => NodeCommands;
  dataStores: readonly BoardDataStore[];
  clock: Clock;
  logger: Logger;
}

/**
 * How long a node refuses to load a board being deleted. It covers the time from dropping the
 * node's copy to the deletion in storage, which the deleting node awaits before answering.
 */
const DELETE_BLOCK_MS = 10_000;

/** The operators' view of every board (`GET /api/boards`) and deletion (`DELETE /api/boards/:id`). */
export class BoardAdmin {
  constructor(private readonly deps: BoardAdminDeps) {}

  /** Every stored board, and every board loaded on some node even if nothing is stored yet. */
  async list(): Promise<{ boards: BoardListing[]; complete: boolean }> {
    const [stored, census] = await Promise.all([
      this.deps.storage.boards.list(),
      this.deps.commands().census(),
    ]);
    const live = new Map<string, { members: number; name: string }>();
    for (const entry of census.answers.flat()) {
      const seen = live.get(entry.boardId);
      live.set(entry.boardId, {
        members: (seen?.members ?? 0) + entry.members,
        name: seen?.name ?? entry.name,
      });
    }
    const boards = new Map<string, BoardListing>();
    for (const board of stored) {
      boards.set(board.id, {
        id: board.id,
        name: live.get(board.id)?.name ?? board.name,
        bytes: board.bytes,
        updatedAt: board.updatedAt === null ? null : new Date(board.updatedAt).toISOString(),
        members: live.get(board.id)?.members ?? 0,
      });
    }
    for (const [id, { members, name }] of live) {
      if (!boards.has(id)) boards.set(id, { id, name, bytes: 0, updatedAt: null, members });
    }
    const ids = [...boards.keys()];
    for (const store of this.deps.dataStores) {
      const sizes = await store.boardBytes?.(ids);
      for (const [id, bytes] of sizes ?? []) {
        const board = boards.get(id);
        if (board) board.bytes += bytes;
      }
    }
    const sorted = [...boards.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { boards: sorted, complete: census.complete };
  }

  /**
   * Deletes a board everywhere: its members on every node are removed (told BOARD_DELETED) and
   * every node drops its copy without storing it; then its document, links and every data
   * store's share (assets, history) are deleted. `found` is false when nothing existed.
   */
  async delete(boardId: string): Promise<{ found: boolean; members: number; complete: boolean }> {
    const dropped = await this.deps.commands().deleteBoard(boardId);
    try {
      const stored = await this.deps.storage.boards.delete(boardId, this.deps.clock.now());
      for (const store of this.deps.dataStores) await store.deleteBoard(boardId);
      const members = dropped.answers.reduce((sum, n) => sum + n, 0);
      this.deps.logger.info({ boardId, members, stored }, 'board deleted');
      return { found: stored || members > 0, members, complete: dropped.complete };
    } finally {
      // Loads are allowed again only once storage no longer holds the old board.
      this.deps.rooms.unblock(boardId);
    }
  }

  /** This node's part of a deletion: refuse loads, remove the members, drop the copy. */
  async dropLocal(boardId: string): Promise<number> {
    this.deps.rooms.block(boardId, DELETE_BLOCK_MS);
    const members = this.deps.evictions.board(boardId);
    await this.deps.rooms.discard(boardId);
    return members;
  }

  /** The boards this node holds, for another node's list. */
  census(): CensusEntry[] {
    return this.deps.rooms.loaded().map((room) => ({
      boardId: room.boardId,
      members: room.memberCount,
      name: readBoardName(room.doc),
    }));
  }
}
