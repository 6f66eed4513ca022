import { ErrorCode, ProtocolError } from '@drawbridge/protocol';
import type { ClusterNode } from '../cluster/ClusterNode.js';
import type { Logger } from '../logger.js';
import { BoardRoom } from './BoardRoom.js';
import type { BoardRoomDeps } from './BoardRoomDeps.js';

export interface RoomManagerOptions extends BoardRoomDeps {
  idleUnloadMs: number;
  onLoaded?: (count: number) => void;
  /** A board is about to be flushed and unloaded (its document still readable). */
  onUnload?: (room: BoardRoom) => void;
  /** In a cluster: boards are subscribed before they load and linked to the other nodes. */
  cluster?: ClusterNode | null;
  /**
   * With shared storage: how often every loaded board is checked against storage for records it
   * missed (messages lost, a bus outage). Bounds how long any gap can last.
   */
  gapCheckMs?: number;
}

const DEFAULT_GAP_CHECK_MS = 2000;

/**
 * Loads boards on first use and unloads them once idle and flushed. Concurrent joins of a board
 * that is loading share one load; a join that arrives while the board unloads waits for the
 * unload to finish and loads it afresh, so no room is ever used after it was destroyed.
 */
export class RoomManager {
  readonly #rooms = new Map<string, BoardRoom>();
  readonly #loading = new Map<string, Promise<BoardRoom>>();
  readonly #unloading = new Map<string, Promise<void>>();
  readonly #idleTimers = new Map<string, NodeJS.Timeout>();
  /** Boards being deleted: loads are refused until this time (clock ms). */
  readonly #blocked = new Map<string, number>();
  readonly #logger: Logger;
  readonly #gapTimer: NodeJS.Timeout | null = null;
  #checking = false;
  /** Boards found behind storage at the last check, with how far they had applied then. */
  readonly #lagging = new Map<string, number>();
  #closed = false;

  constructor(private readonly options: RoomManagerOptions) {
    this.#logger = options.logger;
    options.memory?.setReliever(() => void this.unloadIdle());
    if (options.storage.shared) {
      this.#gapTimer = setInterval(
        () => void this.#checkGaps(),
        options.gapCheckMs ?? DEFAULT_GAP_CHECK_MS,
      );
      this.#gapTimer.unref();
    }
  }

  get size(): number {
    return this.#rooms.size;
  }

  loaded(): BoardRoom[] {
    return [...this.#rooms.values()];
  }

  /** The loaded boards holding edits storage has not stored yet, and those edits' bytes. */
  unstored(): { boards: number; bytes: number } {
    let boards = 0;
    let bytes = 0;
    for (const room of this.#rooms.values()) {
      if (!room.log.holdsUnstored) continue;
      boards++;
      bytes += room.log.unstoredBytes;
    }
    return { boards, bytes };
  }

  get(boardId: string): BoardRoom | undefined {
    return this.#rooms.get(boardId);
  }

  /** The loaded room, loading it if needed. Cancels a pending idle unload. */
  async acquire(boardId: string): Promise<BoardRoom> {
    if (this.#closed) throw new Error('room manager is closed');
    this.#assertNotBlocked(boardId);
    this.#cancelIdle(boardId);
    const room = this.#rooms.get(boardId);
    if (room) return room;
    let loading = this.#loading.get(boardId);
    if (!loading) {
      loading = this.#load(boardId);
      this.#loading.set(boardId, loading);
      const done = () => this.#loading.delete(boardId);
      loading.then(done, done);
    }
    const loaded = await loading;
    this.#assertNotBlocked(boardId);
    this.#cancelIdle(boardId);
    return loaded;
  }

  /**
   * The board is being deleted: refuse to load it (BOARD_DELETED) for `ms`, so nothing loads the
   * old content between dropping this node's copy and the deletion in storage.
   */
  block(boardId: string, ms: number): void {
    const now = this.options.clock.now();
    // Entries are dropped when they expire, so deleted boards do not pile up here.
    for (const [id, until] of this.#blocked) if (until <= now) this.#blocked.delete(id);
    this.#blocked.set(boardId, now + ms);
  }

  unblock(boardId: string): void {
    this.#blocked.delete(boardId);
  }

  /**
   * Drops the board's copy without compacting it or storing anything more (it is being
   * deleted): appends already issued settle first, so none lands after the deletion. Remove its
   * members first; `block` it so it does not load again.
   */
  async discard(boardId: string): Promise<void> {
    this.#cancelIdle(boardId);
    await this.#loading.get(boardId)?.catch(() => undefined);
    await this.#unloading.get(boardId);
    const room = this.#rooms.get(boardId);
    if (!room) return;
    this.#rooms.delete(boardId);
    this.options.onLoaded?.(this.#rooms.size);
    await room.flush().catch(() => undefined);
    room.destroy();
    await this.options.cluster?.unsubscribe(boardId);
    this.#logger.info({ boardId }, 'board discarded');
  }

  #assertNotBlocked(boardId: string): void {
    const until = this.#blocked.get(boardId);
    if (until === undefined) return;
    if (until > this.options.clock.now()) {
      throw new ProtocolError(ErrorCode.BOARD_DELETED, 'the board was deleted');
    }
    this.#blocked.delete(boardId);
  }

  /** Call after a member left: unloads the board once it has stayed empty for the idle time. */
  releaseIfIdle(boardId: string): void {
    const room = this.#rooms.get(boardId);
    if (!room || room.memberCount > 0 || this.#idleTimers.has(boardId) || this.#closed) return;
    const timer = setTimeout(() => {
      this.#idleTimers.delete(boardId);
      if (room.memberCount > 0 || this.#rooms.get(boardId) !== room) return;
      // Edits storage refused are nowhere else on this node: kept, and retried, until stored.
      if (room.log.holdsUnstored) this.releaseIfIdle(boardId);
      else void this.#unload(room);
    }, this.options.idleUnloadMs);
    timer.unref();
    this.#idleTimers.set(boardId, timer);
  }

  /** Flushes and unloads every board; acquire fails afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#gapTimer) clearInterval(this.#gapTimer);
    for (const timer of this.#idleTimers.values()) clearTimeout(timer);
    this.#idleTimers.clear();
    await Promise.allSettled([...this.#loading.values()]);
    await Promise.allSettled([...this.#unloading.values()]);
    for (const room of this.#rooms.values()) {
      if (room.log.holdsUnstored) {
        this.#logger.warn(
          { boardId: room.boardId },
          'stopping with edits storage refused: only the clients that hold them can resend them',
        );
      }
    }
    await Promise.allSettled([...this.#rooms.values()].map((room) => this.#unload(room)));
  }

  async #load(boardId: string): Promise<BoardRoom> {
    const unloading = this.#unloading.get(boardId);
    if (unloading) await unloading;
    await this.#makeRoom(boardId);
    const cluster = this.options.cluster;
    // Subscribe first: whatever is published from here on reaches the room, and whatever was
    // stored before is in the load.
    const subscription = cluster ? await cluster.subscribe(boardId) : null;
    let room: BoardRoom;
    try {
      room = await BoardRoom.open(boardId, this.options);
    } catch (error) {
      await cluster?.unsubscribe(boardId);
      throw error;
    }
    // Other nodes' messages wait (buffered) until the document is whole.
    if (subscription) void room.whenReady().then(() => subscription.bind(room));
    this.#rooms.set(boardId, room);
    this.options.onLoaded?.(this.#rooms.size);
    this.#logger.debug({ boardId }, 'board loaded');
    return room;
  }

  /**
   * With the loaded boards at their memory budget, boards nobody is on are unloaded to make room
   * for another; with none to unload, the load is refused (retryable). Once read, the board must
   * also fit (`BoardRoom.open`); a refusal there unloads idle boards for the retry.
   */
  async #makeRoom(boardId: string): Promise<void> {
    const memory = this.options.memory;
    if (!memory?.full) return;
    await this.unloadIdle();
    if (!memory.full) return;
    throw memory.refusal(`board ${boardId} could not be loaded`);
  }

  /**
   * Unloads every board that has no member (waiting out its idle time), as memory pressure does;
   * resolves once done.
   */
  async unloadIdle(): Promise<void> {
    const unloads: Promise<void>[] = [];
    for (const boardId of [...this.#idleTimers.keys()]) {
      const room = this.#rooms.get(boardId);
      if (!room || room.memberCount > 0 || room.log.holdsUnstored) continue;
      this.#cancelIdle(boardId);
      unloads.push(this.#unload(room));
    }
    await Promise.allSettled(unloads);
  }

  #unload(room: BoardRoom): Promise<void> {
    const boardId = room.boardId;
    this.options.onUnload?.(room);
    this.#rooms.delete(boardId);
    this.options.onLoaded?.(this.#rooms.size);
    const unloading = room
      .unload()
      .catch((error: unknown) => {
        this.#logger.error({ boardId, err: error }, 'unload failed');
        room.destroy();
      })
      .then(() => this.options.cluster?.unsubscribe(boardId))
      .finally(() => {
        if (this.#unloading.get(boardId) === unloading) this.#unloading.delete(boardId);
        this.#logger.debug({ boardId }, 'board unloaded');
      });
    this.#unloading.set(boardId, unloading);
    return unloading;
  }

  /**
   * Reads, for every loaded board, what storage holds beyond it: one query for all heads. Also
   * asks again for what damaged records held, where a request may have been lost.
   */
  async #checkGaps(): Promise<void> {
    if (this.#checking || this.#closed || this.#rooms.size === 0) return;
    this.#checking = true;
    try {
      this.options.cluster?.sweep();
      // A repair request the bus lost is asked again (StoredDamage).
      for (const room of this.#rooms.values()) room.damage.recheck();
      const heads = await this.options.storage.headSeqs([...this.#rooms.keys()]);
      for (const [boardId, head] of heads) {
        const room = this.#rooms.get(boardId);
        if (!room || room.loading) continue;
        room.log.noteHead(head);
        // Behind at one check is normal (commit notices are on their way); behind twice with
        // no progress in between is a gap, read from storage.
        const before = this.#lagging.get(boardId);
        if (!room.log.behind) this.#lagging.delete(boardId);
        else {
          if (before !== undefined && room.log.appliedThrough <= before)
            void room.catchUpNow().catch(() => undefined);
          this.#lagging.set(boardId, room.log.appliedThrough);
        }
      }
      for (const boardId of this.#lagging.keys())
        if (!this.#rooms.has(boardId)) this.#lagging.delete(boardId);
    } catch (error) {
      this.#logger.warn({ err: error }, 'gap check failed; retrying at the next one');
    } finally {
      this.#checking = false;
    }
  }

  #cancelIdle(boardId: string): void {
    const timer = this.#idleTimers.get(boardId);
    if (timer) {
      clearTimeout(timer);
      this.#idleTimers.delete(boardId);
    }
  }
}
