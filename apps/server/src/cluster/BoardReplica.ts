import {
  type AwarenessEntry,
  type ScannedUpdate,
  scanAwarenessUpdate,
  scanUpdate,
} from '@drawbridge/protocol';
import type { Clock } from '../clock.js';
import { BusyHold } from '../flow/BusyHold.js';
import { type BatchBoundary, nextTickBoundary } from '../flow/batchBoundary.js';
import type { Logger } from '../logger.js';
import type { BoardLog } from '../rooms/BoardLog.js';
import { storableMerge } from '../rooms/storableMerge.js';
import { UpdateBatch } from '../rooms/UpdateBatch.js';
import type { ClusterBus } from './Bus.js';
import { DamageRepair, type RepairHost } from './DamageRepair.js';
import { type MessageNumbers, processMessageNumbers } from './MessageNumbers.js';
import type { BoardMessage, CommitNotice } from './messages.js';
import { NOTICE_HOLD_MS, type NoticeTimer, noticeTimer } from './noticeTimer.js';
import { OwnMessages } from './OwnMessages.js';
import { RemoteUpdates, type Unconfirmed } from './RemoteUpdates.js';

/** What a replica needs from its board. */
export interface ReplicaHost extends RepairHost {
  readonly boardId: string;
  readonly log: BoardLog;
  /** Applies another node's update; false (and nothing applied) when it depends on content this doc lacks. */
  applyRemoteUpdate(update: Uint8Array, scan: ScannedUpdate): boolean;
  applyRemoteAwareness(update: Uint8Array, entries: AwarenessEntry[], nodeId: string): void;
  /** The awareness states of this node's members, encoded, or null if none. */
  localAwareness(): Uint8Array | null;
  encodeAwareness(clientIds: readonly number[]): Uint8Array;
  /** Storage holds records the doc lacks: read them. */
  requestCatchUp(): void;
}

/** Remote updates unconfirmed this long are stored here too, and forgotten (`forgetStale`). */
const FORGET_AFTER_MS = 30_000;

export interface ReplicaMetrics {
  adopted(records: number): void;
}

/**
 * One board's link to the other nodes holding it. Out: what this node's members changed, once
 * per turn and before it is stored (so crossing nodes adds no storage latency), then a notice
 * with the seqs it was stored under, carried by the next update message (or alone once its hold
 * ends: `noticeTimer.ts`). In: other nodes' changes, applied to this node's document
 * and relayed to its members; their notices tell which log records the document now holds, and
 * any record not accounted for is a gap that `BoardLog.catchUp` reads from storage.
 *
 * A remote change this node applied but whose node never confirmed it stored (the node died
 * before its commit, or the notice was lost) is stored here before this node answers a join
 * (`adopt`), so no join ever claims content that exists only in memory.
 */
export class BoardReplica {
  readonly #host: ReplicaHost;
  readonly #bus: ClusterBus;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #metrics: ReplicaMetrics | undefined;
  readonly #boundary: BatchBoundary;
  /** This node's changes for the next update message (with their scans while all had one). */
  #open: { msg: number; updates: UpdateBatch } | null = null;
  /** This node's messages and what their updates became in the log: the notices. */
  readonly #own: OwnMessages;
  /** Under a burst, update messages go at most every `busyHoldMs`, as the relay here does. */
  readonly #hold: BusyHold;
  readonly #noticeTimer: NoticeTimer | null;
  /** Cancels the held notice's timer; null when none runs. */
  #cancelHold: (() => void) | null = null;
  #awarenessIds = new Set<number>();
  readonly #remote = new RemoteUpdates();
  readonly #repair: DamageRepair;
  #scheduled = false;
  #closed = false;

  constructor(options: {
    host: ReplicaHost;
    bus: ClusterBus;
    clock: Clock;
    logger: Logger;
    metrics?: ReplicaMetrics;
    /** When a batch of messages ends (default: the next tick). */
    batchBoundary?: BatchBoundary;
    /**
     * How long a commit notice waits for an update to ride on (default `NOTICE_HOLD_MS`); null:
     * it goes at the end of the batch, alone unless an update goes too.
     */
    noticeTimer?: NoticeTimer | null;
    /**
     * How long a busy board's next message waits after one carrying a burst (`BusyHold`; the
     * board's relay to its members here waits as long; default 0: never).
     */
    busyHoldMs?: number;
    /** Where this node's message numbers come from (default: the process's counter). */
    numbers?: MessageNumbers;
  }) {
    this.#own = new OwnMessages(options.numbers ?? processMessageNumbers());
    this.#boundary = options.batchBoundary ?? nextTickBoundary;
    this.#hold = new BusyHold(options.busyHoldMs ?? 0);
    this.#noticeTimer =
      options.noticeTimer === undefined ? noticeTimer(NOTICE_HOLD_MS) : options.noticeTimer;
    this.#host = options.host;
    // Once what failed to store is stored, the other nodes can account for this node's messages.
    options.host.log.onRecovered(() => this.storedAfterFailure());
    this.#bus = options.bus;
    this.#repair = new DamageRepair({
      host: options.host,
      bus: options.bus,
      logger: options.logger,
      stored: () => {
        this.#own.noticeDue();
        this.#holdNotice();
      },
    });
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#metrics = options.metrics;
  }

  get #boardId(): string {
    return this.#host.boardId;
  }

  /** Remote updates applied here and not confirmed stored. */
  get unconfirmed(): number {
    return this.#remote.count;
  }

  // ---- out ----

  /**
   * A member's change this node integrated; returns the message it travels in. With `scan` (its
   * own), the message's updates are joined without decoding them (`concatUpdates`).
   */
  published(update: Uint8Array, scan?: ScannedUpdate): number {
    const msg = this.#own.add();
    this.#open ??= { msg, updates: new UpdateBatch() };
    this.#open.updates.add(update, scan);
    this.#schedule();
    return msg;
  }

  /** An update of message `msg` was stored as record `seq`. */
  committed(msg: number, seq: number): void {
    if (this.#own.committed(msg, seq)) this.#holdNotice();
  }

  /** An update of message `msg` could not be stored (yet). */
  failed(msg: number): void {
    this.#own.failed(msg);
  }

  /** Everything whose append had failed is now stored (as records in no message). */
  storedAfterFailure(): void {
    this.#own.storedAfterFailure();
    this.#holdNotice();
  }

  /** The awareness states of `clientIds` changed through this node's members. */
  awarenessChanged(clientIds: readonly number[]): void {
    for (const id of clientIds) this.#awarenessIds.add(id);
    if (clientIds.length > 0) this.#schedule();
  }

  /**
   * Tells the others this node's members' states and asks for theirs (after subscribing, and
   * after an outage of the bus), and for what damaged records held if its load skipped any or a
   * request for them is open (one asked during the outage was lost).
   */
  announce(): void {
    if (this.#host.log.loadedDamaged || this.#host.damage.open) this.#host.damage.ask();
    const local = this.#host.localAwareness();
    const node = this.#bus.nodeId;
    if (local)
      this.#bus.publishBoard({ type: 'awareness', node, boardId: this.#boardId, update: local });
    this.#bus.publishBoard({ type: 'query', node, boardId: this.#boardId });
  }

  /** Sends what is pending now, a held notice included. */
  flush(): void {
    this.#send(true);
  }

  /**
   * Publishes the open update message, carrying the pending notice and the changed awareness
   * states, if any; awareness goes alone when no update does, and the notice only when
   * `noticeToo` (its hold ended, a flush, or no hold at all).
   */
  #send(noticeToo: boolean): void {
    this.#scheduled = false;
    const node = this.#bus.nodeId;
    const boardId = this.#boardId;
    const awareness = this.#takeAwareness();
    if (this.#open) {
      const { msg, updates } = this.#open;
      this.#hold.sent(updates.size);
      this.#open = null;
      // A held message's updates may all be stored already: its notice rides along.
      this.#own.sent();
      const message: BoardMessage = { type: 'update', node, boardId, msg, update: updates.take()! };
      const commit = this.#takeNotice();
      if (commit) message.commit = commit;
      if (awareness) message.awareness = awareness;
      this.#bus.publishBoard(message);
    } else if (awareness) {
      this.#bus.publishBoard({ type: 'awareness', node, boardId, update: awareness });
    }
    if (noticeToo) {
      const notice = this.#takeNotice();
      if (notice) this.#bus.publishBoard({ type: 'commit', node, boardId, ...notice });
    }
  }

  /** The changed awareness states, encoded; null if none changed. */
  #takeAwareness(): Uint8Array | null {
    if (this.#awarenessIds.size === 0) return null;
    const update = this.#host.encodeAwareness([...this.#awarenessIds]);
    this.#awarenessIds = new Set();
    return update;
  }

  /** The pending notice, now (its hold ends); null if none. */
  #takeNotice(): CommitNotice | null {
    this.#cancelHold?.();
    this.#cancelHold = null;
    return this.#own.takeNotice(this.#host.log.head);
  }

  // ---- in ----

  handle(message: BoardMessage): void {
    if (this.#closed) return;
    switch (message.type) {
      case 'update':
        this.#onUpdate(message.node, message.msg, message.update);
        if (message.commit) this.#onCommit(message.node, message.commit);
        if (message.awareness) this.#onAwareness(message.node, message.awareness);
        return;
      case 'commit':
        this.#onCommit(message.node, message);
        return;
      case 'awareness':
        this.#onAwareness(message.node, message.update);
        return;
      case 'repair':
        this.#repair.answer(message.node, message.stateVector, message.deletes);
        return;
      case 'query': {
        const local = this.#host.localAwareness();
        if (local) {
          this.#bus.publishBoard({
            type: 'awareness',
            node: this.#bus.nodeId,
            boardId: this.#boardId,
            update: local,
          });
        }
      }
    }
  }

  /**
   * Stores every remote update applied here that its node has not confirmed stored (only
   * `nodeId`'s when given, and then only its messages numbered below `below`), before a join is
   * answered; throws if storage fails. An update is adopted once: the log keeps what it is handed
   * until it is stored, so adopting again at each notice while storage fails would add copies.
   */
  adopt(nodeId?: string, below = Number.POSITIVE_INFINITY): Promise<void> {
    return this.#store(this.#remote.unadopted(nodeId, below));
  }

  async #store(entries: readonly Unconfirmed[]): Promise<void> {
    if (entries.length === 0) return;
    for (const entry of entries) entry.adopted = true;
    const parts = storableMerge(entries.map((e) => e.update));
    await Promise.all(parts.map((part) => this.#host.log.append(part)));
    this.#metrics?.adopted(entries.length);
    this.#own.noticeDue();
    this.#holdNotice();
  }

  /**
   * `nodeId` left or died: store what it never confirmed (on failure the log keeps it, and
   * retries), then forget what was stored. A message of it that arrives later (a stall past its
   * silence) stays unconfirmed, so a join here stores it first.
   */
  async nodeGone(nodeId: string): Promise<void> {
    await this.adopt(nodeId);
    this.#remote.forgetAdopted(nodeId);
  }

  /**
   * Stores, then forgets, remote updates unconfirmed for `FORGET_AFTER_MS`. Their node lives (one
   * that left or died is `nodeGone`) but lost its notice, or cannot store (a full disk) and may
   * die before it does: no join here may claim them meanwhile. A duplicate record at worst; a
   * failure is the log's to retry (it keeps what it could not store).
   */
  forgetStale(): void {
    const before = this.#clock.now() - FORGET_AFTER_MS;
    this.#store(this.#remote.unadopted().filter((entry) => entry.at < before)).catch(() => {});
    this.#remote.forgetOlder(before);
  }

  close(): void {
    this.flush();
    this.#hold.cancel();
    this.#closed = true;
  }

  #onUpdate(node: string, msg: number, update: Uint8Array): void {
    let scan: ScannedUpdate;
    try {
      scan = scanUpdate(update);
    } catch (error) {
      this.#logger.warn(
        { boardId: this.#boardId, node, err: error },
        'malformed update on the bus',
      );
      return;
    }
    // Skipped when it builds on something this node missed: the gap is repaired from storage
    // once that node's notice (or the periodic check) shows records we lack.
    if (!this.#host.applyRemoteUpdate(update, scan)) return;
    this.#remote.applied(node, msg, update, this.#clock.now());
  }

  #onCommit(node: string, message: CommitNotice): void {
    // Messages of that node below `from` are from an earlier load of the board there (or an
    // earlier process under its id): no notice will confirm them. Store them here (a copy of
    // what is likely stored already costs a record; content only in memory must not be lost).
    if (message.from !== undefined) this.#adoptEarlierLoad(node, message.from);
    const log = this.#host.log;
    message.msgs.forEach((msg, i) => {
      const entry = this.#remote.get(node, msg);
      // Only what this document holds counts as applied; the rest is a gap to read.
      if (!entry) return;
      const seqs = message.stored[i]!;
      const share = Math.ceil(entry.update.byteLength / Math.max(1, seqs.length));
      for (const seq of seqs) log.markApplied(seq, share);
    });
    // An earlier load's messages go once adopted (`#adoptEarlierLoad`).
    this.#remote.forget(node, message.from ?? 0, message.through);
    log.noteHead(message.head);
    if (log.behind) this.#host.requestCatchUp();
  }

  #adoptEarlierLoad(node: string, from: number): void {
    if (this.#remote.unadopted(node, from).length === 0) return;
    this.adopt(node, from)
      .then(() => this.#remote.forget(node, 0, from - 1))
      .catch((error: unknown) => {
        // The board's log keeps what it could not store, and stores it again.
        this.#logger.error(
          { boardId: this.#boardId, node, err: error },
          "could not store another node's updates from an earlier load of the board",
        );
      });
  }

  #onAwareness(node: string, update: Uint8Array): void {
    let entries: AwarenessEntry[];
    try {
      entries = scanAwarenessUpdate(update);
    } catch (error) {
      this.#logger.warn(
        { boardId: this.#boardId, node, err: error },
        'malformed awareness on the bus',
      );
      return;
    }
    this.#host.applyRemoteAwareness(update, entries, node);
  }

  /** The pending notice goes with the next update message, or alone once its hold ends. */
  #holdNotice(): void {
    if (this.#closed || this.#cancelHold) return;
    if (!this.#noticeTimer) {
      this.#schedule();
      return;
    }
    this.#cancelHold = this.#noticeTimer(() => {
      this.#cancelHold = null;
      if (!this.#closed) this.#send(true);
    });
  }

  #schedule(): void {
    if (this.#closed) return;
    if (this.#scheduled) return;
    this.#scheduled = true;
    const send = () => {
      if (this.#scheduled) this.#send(this.#noticeTimer === null);
    };
    // A burst's next message waits for the hold; otherwise it goes after the current batch of
    // handlers (one scheduler slice, or one read from the network), before the event loop moves
    // on: one message per batch without waiting for another turn.
    if (!this.#hold.defer(send)) this.#boundary(send);
  }
}
