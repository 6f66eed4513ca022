import {
  ErrorCode,
  findMissingDependency,
  invalidUpdate,
  ProtocolError,
  type ScannedUpdate,
} from '@drawbridge/protocol';
import * as Y from 'yjs';
import type { BoardLoader } from './loading/BoardLoader.js';
import { DIRECT_LOAD_BYTES } from './loading/BoardLoader.js';
import { inTurns } from './loading/inTurns.js';

/** Member updates of this size or more are scanned and cut in the loader's worker. */
export const LARGE_UPDATE_BYTES = DIRECT_LOAD_BYTES;

/** A member's update applied: whether the doc took anything, and when it is stored. */
export interface Applied {
  integrated: boolean;
  durable: Promise<void>;
}

/** What `LargeUpdates` needs of its board (a `BoardRoom`). */
export interface LargeUpdateBoard {
  readonly doc: Y.Doc;
  /** Throws the refusal of an update that would make the board too large. */
  checkRoom(update: Uint8Array): void;
  /** Applies a scanned update in one go (one that could not be sliced). */
  applyUpdate(update: Uint8Array, scan: ScannedUpdate, memberId: string | null): Applied;
  /**
   * Applies one slice as the member's change, or the server's (null): relayed and stored; the
   * store, or null if nothing was new.
   */
  applySlice(slice: Uint8Array, memberId: string | null): Promise<void> | null;
  /** Everything the doc holds is stored. */
  durable(): Promise<void>;
}

/**
 * A member's large update (a paste of thousands of shapes), or the server's own (a restore),
 * without holding the event loop:
 * scanning and applying 2.3 MB of 10,000 shapes in one go took 580 ms of it (scan 80-110 ms,
 * `Y.applyUpdate` 330-360 ms), and a message may be 16 MB. The update is scanned and cut into
 * slices in the loader's worker (`sliceUpdate`), and the slices are applied a few milliseconds
 * at a time, each relayed and stored as it goes. The board's other member updates wait until it
 * is whole (`open`, `whenOpen`), so one that builds on it never arrives before it.
 */
export class LargeUpdates {
  #applying: Promise<unknown> | null = null;

  constructor(
    private readonly board: LargeUpdateBoard,
    private readonly loader: BoardLoader,
  ) {}

  /** False while a large update is being applied and stored. */
  get open(): boolean {
    return this.#applying === null;
  }

  /** Resolves once the large update being applied is done (look at `open` again). */
  whenOpen(): Promise<void> {
    return this.#applying?.then(noop, noop) ?? Promise.resolve();
  }

  /**
   * Call only when `open`; closes until the update is applied and stored, so that the board's
   * next updates are acked after it, as they would be after a small one.
   */
  apply(update: Uint8Array, memberId: string | null): Promise<Applied> {
    const job = this.#apply(update, memberId);
    const settled = job.then((applied) => applied.durable);
    this.#applying = settled;
    // Registered before any waiter's: `open` is true again when they look.
    settled.then(
      () => this.#reopen(settled),
      () => this.#reopen(settled),
    );
    return job;
  }

  #reopen(job: Promise<unknown>): void {
    if (this.#applying === job) this.#applying = null;
  }

  async #apply(update: Uint8Array, memberId: string | null): Promise<Applied> {
    const sliced = await this.loader.sliceUpdate(update);
    if ('invalid' in sliced) {
      const { error } = invalidUpdate(sliced.invalid);
      throw new ProtocolError(error.code, error.message);
    }
    const { scan, slices } = sliced;
    if (!slices) return this.board.applyUpdate(update, scan, memberId);
    // The slices are in an order that meets every dependency inside the update: no cycles.
    const store = this.board.doc.store;
    const missing = findMissingDependency(scan, (client) => Y.getState(store, client), {
      cycles: false,
    });
    if (missing) throw new ProtocolError(ErrorCode.MISSING_DEPENDENCIES, missing);
    this.board.checkRoom(update);
    const stored: Promise<void>[] = [];
    await inTurns(slices, (slice) => {
      const durable = this.board.applySlice(slice, memberId);
      if (durable) stored.push(durable);
    });
    if (stored.length === 0) return { integrated: false, durable: this.board.durable() };
    return { integrated: true, durable: Promise.all(stored).then(noop) };
  }
}

const noop = () => {};
