import type { ScannedUpdate } from '@drawbridge/protocol';
import type { Awareness } from 'y-protocols/awareness';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import { BusyHold } from '../flow/BusyHold.js';
import { type BatchBoundary, nextTickBoundary } from '../flow/batchBoundary.js';
import { UpdateBatch } from './UpdateBatch.js';

/** Where a board's batched output goes: this node's sockets in the board's room. */
export interface RelaySink {
  /** One frame for every member of the board on this node, except `except` when set. */
  doc(boardId: string, update: Uint8Array, except: string | null): void;
  awareness(boardId: string, update: Uint8Array, except: string | null): void;
}

/** When a board's batched output goes out (a `BoardRoomDeps` fits). */
export interface OutboxTiming {
  /** When a batch of relays ends (default: the next tick). */
  batchBoundary?: BatchBoundary;
  /** How long a busy board's relays wait to go out together (default 0: never). */
  busyRelayHoldMs?: number;
}

/** Who caused a relayed change: a member (socket id) of this node, or null (another node, storage, a timeout). */
export type Origin = string | null;

/**
 * One board's output to its members on this node, batched per slice of handlers: everything the
 * board integrated during the turn goes out as one merged update (and one awareness update),
 * encoded once for all members. With a single origin, its member is left out (it has the
 * change); with several, everyone gets the frame, since a member applying its own change again
 * is a no-op and one frame beats one per origin.
 *
 * Under a burst (a relay of `BUSY_UPDATES` or more), the board's next relay waits `busyRelayHoldMs`
 * after that one, gathering what arrives meanwhile, like a screen's frame: a reader gets one
 * frame per interval instead of one per turn, and wakes up that much less often. Paced editing
 * (a stroke's few updates per turn) never waits. `flush` sends at once whatever is held.
 */
export class Outbox {
  readonly #updates = new UpdateBatch();
  #updateOrigins = new Set<Origin>();
  #awarenessIds = new Set<number>();
  #awarenessOrigins = new Set<Origin>();
  #scheduled = false;
  #closed = false;
  /** A busy board's relays go out at most every `busyRelayHoldMs`. */
  readonly #hold: BusyHold;
  private readonly boundary: BatchBoundary;

  constructor(
    private readonly boardId: string,
    private readonly awareness: Awareness,
    private readonly sink: RelaySink,
    timing: OutboxTiming = {},
  ) {
    this.boundary = timing.batchBoundary ?? nextTickBoundary;
    this.#hold = new BusyHold(timing.busyRelayHoldMs ?? 0);
  }

  /**
   * `scan`, when given, is `update`'s own scan (the update is relayed as it came): a batch of
   * such updates can be joined without decoding them (see `concatUpdates`).
   */
  doc(update: Uint8Array, origin: Origin, scan?: ScannedUpdate): void {
    if (this.#closed) return;
    this.#updates.add(update, scan);
    this.#updateOrigins.add(origin);
    this.#schedule();
  }

  /** The awareness states of `clientIds` changed; their current state goes out at the flush. */
  awarenessChanged(clientIds: readonly number[], origin: Origin): void {
    if (this.#closed || clientIds.length === 0) return;
    for (const id of clientIds) this.#awarenessIds.add(id);
    this.#awarenessOrigins.add(origin);
    this.#schedule();
  }

  /** Sends what is pending now (before a member leaves, say, or the board unloads). */
  flush(): void {
    this.#scheduled = false;
    this.#hold.sent(this.#updates.size);
    const merged = this.#updates.take();
    if (merged) {
      const except = single(this.#updateOrigins);
      this.#updateOrigins = new Set();
      this.sink.doc(this.boardId, merged, except);
    }
    if (this.#awarenessIds.size > 0) {
      const update = encodeAwarenessUpdate(this.awareness, [...this.#awarenessIds]);
      const except = single(this.#awarenessOrigins);
      this.#awarenessIds = new Set();
      this.#awarenessOrigins = new Set();
      this.sink.awareness(this.boardId, update, except);
    }
  }

  close(): void {
    this.flush();
    this.#closed = true;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    const held = this.#hold.defer(() => {
      if (this.#scheduled) this.flush();
    });
    if (held) return;
    // After the current batch of handlers (one scheduler slice, or one read from the network),
    // before the event loop moves on: one frame per batch without waiting for another turn.
    this.boundary(() => {
      if (this.#scheduled) this.flush();
    });
  }
}

export { BUSY_UPDATES } from '../flow/BusyHold.js';

const single = (origins: Set<Origin>): string | null =>
  origins.size === 1 ? ([...origins][0] ?? null) : null;
