import {
  type AwarenessEntry,
  ErrorCode,
  findMissingDependency,
  type Limits,
  ProtocolError,
  type ScannedUpdate,
  scanUpdate,
} from '@drawbridge/protocol';
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Logger } from '../logger.js';
import type { Storage, StoredBoard } from '../storage/Storage.js';

export interface BoardRoomDeps {
  storage: Storage;
  logger: Logger;
  limits: Limits;
  compactEvery: number;
  /** Awareness removals the room makes by itself (timeouts), to send to every member. */
  onAwarenessBroadcast: (boardId: string, update: Uint8Array) => void;
}

export interface AppliedUpdate {
  /** What the board's own Y.Doc integrated, re-encoded; null when nothing was new. */
  relay: Uint8Array | null;
  /** Resolves once `relay` is durably stored. */
  durable: Promise<void>;
}

/** Awareness origin used for removals of a member's states on leave and disconnect. */
const LEAVE_ORIGIN = Symbol('leave');

/**
 * One board in memory: its Y.Doc, its awareness, who owns which awareness client ids, and the
 * bookkeeping that keeps storage in step. It knows nothing about sockets: members are ids, and
 * what must be relayed is returned to the caller.
 */
export class BoardRoom {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness: Awareness;
  /** Member id (socket id) -> awareness client ids it owns. */
  readonly #members = new Map<string, Set<number>>();
  /** Awareness client id -> owning member id. */
  readonly #owners = new Map<number, string>();
  #captured: Uint8Array | null = null;
  #bytes: number;
  #bytesAppended = 0;
  /** Size of the last snapshot written (or loaded): what a compaction costs to redo. */
  #snapshotBytes = 0;
  #lastSeq: number;
  #appendsSinceCompaction = 0;
  #compacting: Promise<void> | null = null;
  #needsSnapshot = false;
  readonly #writes = new Set<Promise<unknown>>();
  #destroyed = false;

  private constructor(
    readonly boardId: string,
    stored: StoredBoard,
    private readonly deps: BoardRoomDeps,
  ) {
    const log = deps.logger;
    for (const [index, update] of stored.updates.entries()) {
      try {
        scanUpdate(update);
        Y.applyUpdate(this.doc, update, 'storage');
      } catch (error) {
        // A record that passed its checksum yet does not decode means a bug, not bit rot: skip
        // it rather than make the whole board unloadable; members resend what they hold.
        log.error({ boardId, index, err: error }, 'stored update does not decode; skipped');
      }
    }
    this.#bytes = stored.bytes;
    this.#snapshotBytes = stored.updates[0]?.byteLength ?? 0;
    this.#lastSeq = stored.lastSeq;
    this.#appendsSinceCompaction = stored.updates.length;
    this.doc.on('update', (update: Uint8Array) => {
      this.#captured = update;
    });
    this.awareness = new Awareness(this.doc);
    this.awareness.setLocalState(null);
    this.awareness.on('update', ({ removed }: { removed: number[] }, origin: unknown) => {
      if (origin !== 'timeout' || removed.length === 0) return;
      for (const id of removed) this.#release(id);
      deps.onAwarenessBroadcast(boardId, encodeAwarenessUpdate(this.awareness, removed));
    });
  }

  static async load(boardId: string, deps: BoardRoomDeps): Promise<BoardRoom> {
    const stored = await deps.storage.load(boardId);
    if (stored.corrupt > 0) {
      deps.logger.warn({ boardId, corrupt: stored.corrupt }, 'skipped corrupt stored records');
    }
    return new BoardRoom(boardId, stored, deps);
  }

  get memberCount(): number {
    return this.#members.size;
  }

  /** Approximate stored size: snapshot plus appended updates since. */
  get bytes(): number {
    return this.#bytes;
  }

  hasMember(memberId: string): boolean {
    return this.#members.has(memberId);
  }

  addMember(memberId: string): void {
    if (!this.#members.has(memberId)) this.#members.set(memberId, new Set());
  }

  /** What a joining client with `stateVector` lacks, the board's state vector and awareness. */
  syncState(stateVector: Uint8Array): {
    update: Uint8Array;
    stateVector: Uint8Array;
    awareness: Uint8Array;
  } {
    return {
      update: Y.encodeStateAsUpdate(this.doc, stateVector),
      stateVector: Y.encodeStateVector(this.doc),
      awareness: encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()]),
    };
  }

  /**
   * Removes a member and its awareness states. Returns the awareness update that tells the
   * others, or null when it owned none.
   */
  removeMember(memberId: string): Uint8Array | null {
    const owned = this.#members.get(memberId);
    this.#members.delete(memberId);
    if (!owned || owned.size === 0) return null;
    const ids = [...owned];
    for (const id of ids) this.#owners.delete(id);
    const present = ids.filter((id) => this.awareness.getStates().has(id));
    if (present.length === 0) return null;
    removeAwarenessStates(this.awareness, present, LEAVE_ORIGIN);
    return encodeAwarenessUpdate(this.awareness, present);
  }

  /**
   * Applies a scanned client update. Throws ProtocolError (board unchanged) when the update
   * depends on content the board lacks or would grow it past its limit.
   */
  applyUpdate(update: Uint8Array, scan: ScannedUpdate, memberId: string): AppliedUpdate {
    const missing = findMissingDependency(scan, (client) => Y.getState(this.doc.store, client));
    if (missing) throw new ProtocolError(ErrorCode.MISSING_DEPENDENCIES, missing);
    if (this.#bytes + update.byteLength > this.deps.limits.maxBoardBytes) {
      throw new ProtocolError(
        ErrorCode.BOARD_TOO_LARGE,
        `board ${this.boardId} would exceed ${this.deps.limits.maxBoardBytes} bytes`,
      );
    }
    const hadPending = this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
    this.#captured = null;
    try {
      Y.applyUpdate(this.doc, update, memberId);
    } finally {
      if (!hadPending) this.#dropPending();
    }
    const relay = this.#captured as Uint8Array | null;
    this.#captured = null;
    // Nothing new, but what it carries may still be on its way to disk from an earlier update.
    if (!relay) return { relay: null, durable: this.durable() };
    return { relay, durable: this.#persist(relay) };
  }

  /**
   * Applies an awareness update from a member, enforcing ownership of client ids. Returns the
   * re-encoded update to relay, or null when nothing changed.
   */
  applyAwareness(
    update: Uint8Array,
    entries: AwarenessEntry[],
    memberId: string,
  ): Uint8Array | null {
    const owned = this.#members.get(memberId);
    if (!owned) throw new ProtocolError(ErrorCode.NOT_JOINED, 'not a member of this board');
    const claims: number[] = [];
    for (const { clientID } of entries) {
      const owner = this.#owners.get(clientID);
      if (owner === undefined) claims.push(clientID);
      else if (owner !== memberId) {
        throw new ProtocolError(
          ErrorCode.FORBIDDEN,
          `awareness client ${clientID} belongs to another connection`,
        );
      }
    }
    if (owned.size + claims.length > this.deps.limits.maxAwarenessClientsPerSocket) {
      throw new ProtocolError(
        ErrorCode.FORBIDDEN,
        `a connection may own at most ${this.deps.limits.maxAwarenessClientsPerSocket} awareness clients per board`,
      );
    }
    for (const id of claims) {
      owned.add(id);
      this.#owners.set(id, memberId);
    }
    let changed: number[] = [];
    const listener = (
      { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
      origin: unknown,
    ) => {
      if (origin === memberId) changed = [...added, ...updated, ...removed];
    };
    this.awareness.on('update', listener);
    try {
      applyAwarenessUpdate(this.awareness, update, memberId);
    } finally {
      this.awareness.off('update', listener);
    }
    return changed.length > 0 ? encodeAwarenessUpdate(this.awareness, changed) : null;
  }

  /** Resolves once every update applied so far is stored (or failed to be). */
  async flush(): Promise<void> {
    while (this.#writes.size > 0) await Promise.allSettled([...this.#writes]);
  }

  /**
   * Resolves once everything the doc holds now is stored; throws if it cannot be. A join
   * awaits this, because the state vector it answers with tells the client what it need not
   * resend: it must never cover an update that is only in memory.
   */
  async durable(): Promise<void> {
    await this.flush();
    if (this.#needsSnapshot) await this.compact();
  }

  /** Stores the whole board as one snapshot and drops the log it replaces. */
  compact(): Promise<void> {
    if (this.#compacting) return this.#compacting;
    const run = async () => {
      await this.flush();
      const through = this.#lastSeq;
      const mark = this.#bytesAppended;
      const appendsMark = this.#appendsSinceCompaction;
      const state = Y.encodeStateAsUpdate(this.doc);
      await this.deps.storage.compact(this.boardId, state, through);
      this.#bytes = state.byteLength + (this.#bytesAppended - mark);
      this.#snapshotBytes = state.byteLength;
      this.#appendsSinceCompaction -= appendsMark;
      this.#needsSnapshot = false;
    };
    this.#compacting = run().finally(() => {
      this.#compacting = null;
    });
    return this.#compacting;
  }

  /** Flushes, compacts when the log has grown, and releases memory. The room is unusable after. */
  async unload(): Promise<void> {
    await this.flush();
    if (this.#appendsSinceCompaction > 1 || this.#needsSnapshot) await this.compact();
    this.destroy();
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.awareness.destroy();
    this.doc.destroy();
  }

  #persist(update: Uint8Array): Promise<void> {
    this.#bytes += update.byteLength;
    this.#bytesAppended += update.byteLength;
    const write = this.deps.storage.append(this.boardId, update).then(
      (seq) => {
        this.#lastSeq = Math.max(this.#lastSeq, seq);
        this.#appendsSinceCompaction++;
        if (this.#shouldCompact()) this.#compactSoon();
      },
      (error: unknown) => {
        // The update lives in memory and at the peers, but not on disk: write a full snapshot
        // as soon as storage works again, so nothing acked later depends on a missing record.
        this.#needsSnapshot = true;
        this.deps.logger.error({ boardId: this.boardId, err: error }, 'append failed');
        this.#compactSoon();
        throw new ProtocolError(ErrorCode.STORAGE_ERROR, 'the update could not be stored', {
          cause: error,
        });
      },
    );
    this.#writes.add(write);
    const settled = () => this.#writes.delete(write);
    write.then(settled, settled);
    return write;
  }

  /**
   * Compact after `compactEvery` records, but only once the log has grown by a quarter of the
   * snapshot too: re-encoding a large board every few hundred small strokes would make each
   * stroke's cost grow with the board. This keeps the amortised cost per stored byte constant.
   */
  #shouldCompact(): boolean {
    const logBytes = this.#bytes - this.#snapshotBytes;
    return (
      this.#appendsSinceCompaction >= this.deps.compactEvery && logBytes >= this.#snapshotBytes / 4
    );
  }

  #compactSoon(): void {
    if (this.#compacting || this.#destroyed) return;
    setImmediate(() => {
      if (this.#destroyed) return;
      this.compact().catch((error: unknown) => {
        this.deps.logger.error({ boardId: this.boardId, err: error }, 'compaction failed');
      });
    });
  }

  /**
   * Yjs parks structs whose dependencies are missing and later runs `mergeUpdates` over them,
   * which hostile input can hang. The dependency check should make this unreachable; if a
   * client update still left something pending, drop it: the client resends after a rejoin.
   */
  #dropPending(): void {
    const store = this.doc.store;
    if (store.pendingStructs === null && store.pendingDs === null) return;
    this.deps.logger.warn({ boardId: this.boardId }, 'dropped pending structs of a client update');
    store.pendingStructs = null;
    store.pendingDs = null;
  }

  #release(clientID: number): void {
    const owner = this.#owners.get(clientID);
    if (owner === undefined) return;
    this.#owners.delete(clientID);
    this.#members.get(owner)?.delete(clientID);
  }
}
