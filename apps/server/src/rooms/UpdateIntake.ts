import {
  ErrorCode,
  findMissingDependency,
  invalidUpdate,
  type Limits,
  ProtocolError,
  type ScannedUpdate,
  scanUpdate,
} from '@drawbridge/protocol';
import * as Y from 'yjs';
import type { BoardMemory } from './BoardMemory.js';
import type { BoardLoader } from './loading/BoardLoader.js';
import { DIRECT_LOAD_BYTES } from './loading/BoardLoader.js';
import { inTurns } from './loading/inTurns.js';
import { bringsNothingNew } from './redundantUpdate.js';

/** Member updates of this size or more are scanned and cut in the loader's worker. */
export const LARGE_UPDATE_BYTES = DIRECT_LOAD_BYTES;

/** A member's update applied: whether the doc took anything, and when it is stored. */
export interface Applied {
  integrated: boolean;
  durable: Promise<void>;
}

/** What `UpdateIntake` needs of its board (a `BoardRoom`). */
export interface IntakeBoard {
  readonly boardId: string;
  readonly doc: Y.Doc;
  readonly log: { readonly bytes: number };
  /** True until the document holds the whole stored board. */
  readonly loading: boolean;
  whenReady(): Promise<void>;
  /** Applies a scanned update in one go, as a member's change or the server's (null). */
  applyUpdate(update: Uint8Array, scan: ScannedUpdate, memberId: string | null): Applied;
  /**
   * Applies one slice (with its scan) as the member's change, or the server's (null): relayed
   * and stored; the store, or null if nothing was new.
   */
  applySlice(slice: Uint8Array, scan: ScannedUpdate, memberId: string | null): Promise<void> | null;
  /** Everything the doc holds is stored. */
  durable(): Promise<void>;
}

/**
 * What a board takes in, and when. Updates wait while its document fills (a cold load) and while
 * a large update goes in, so one that builds on it never arrives before it (`open`,
 * `whenOpen`). A large update (a paste of thousands of shapes), a member's or the server's own
 * (a restore), goes in without holding the event loop: scanning and applying 2.3 MB of 10,000
 * shapes in one go took 580 ms of it (scan 80-110 ms, `Y.applyUpdate` 330-360 ms), and a message
 * may be 16 MB. With a loader, it is scanned and cut into slices in the loader's worker
 * (`sliceUpdate`), and the slices are applied a few milliseconds at a time, each relayed and
 * stored as it goes.
 */
export class UpdateIntake {
  #applying: Promise<unknown> | null = null;

  constructor(
    private readonly board: IntakeBoard,
    private readonly loader: BoardLoader | null,
    private readonly limits: Pick<Limits, 'maxBoardBytes'>,
    /** What the node's loaded boards hold: an update that would pass its budget is refused. */
    private readonly memory: BoardMemory | null = null,
  ) {}

  /** True when the board's document is whole and no large update is going in. */
  get open(): boolean {
    return !this.board.loading && this.#applying === null;
  }

  /** Resolves when `open` may have become true (look again). */
  whenOpen(): Promise<void> {
    if (this.board.loading) return this.board.whenReady();
    return this.#applying?.then(noop, noop) ?? Promise.resolve();
  }

  /** True when `update` goes to `applyLarge`, unscanned. */
  takesLarge(update: Uint8Array): boolean {
    return this.loader !== null && update.byteLength >= LARGE_UPDATE_BYTES;
  }

  /** False when the update brings nothing new; throws the refusal of one the board cannot take. */
  admit(update: Uint8Array, scan: ScannedUpdate): boolean {
    const { doc } = this.board;
    if (bringsNothingNew(scan, doc)) return false;
    const missing = findMissingDependency(scan, (client) => Y.getState(doc.store, client));
    if (missing) throw new ProtocolError(ErrorCode.MISSING_DEPENDENCIES, missing);
    this.#checkRoom(update.byteLength);
    return true;
  }

  /**
   * A large update (`takesLarge`), a member's or the server's (null). Call when `open`; closes
   * until the update is applied and stored, so that the board's next updates are acked after
   * it, as they would be after a small one. `move`: the caller gives the update up (a member's
   * message): it may go to the worker without a copy, and is then empty here.
   */
  applyLarge(update: Uint8Array, memberId: string | null, move = false): Promise<Applied> {
    this.#checkBoardSize(update.byteLength);
    // Its bytes are held in the memory budget until it is stored: it takes seconds to go in,
    // and updates to other boards admitted meanwhile must count it (else several pastes at
    // once would each find the room that only one has).
    const release =
      this.memory?.reserve(update.byteLength, 'the update could not be taken') ?? noop;
    const job = this.#apply(update, memberId, this.loader!, move);
    const settled = job.then((applied) => applied.durable);
    this.#applying = settled;
    // Registered before any waiter's: `open` is true again when they look.
    const done = () => {
      release();
      this.#reopen(settled);
    };
    settled.then(done, done);
    return job;
  }

  /**
   * An update made on the server (a restore, in a worker: `origin` null, the server's account;
   * an import: its own origin), applied like a member's (in slices when large, after the board's
   * other updates), relayed to every member. Resolves once stored. Called when `open`, it takes
   * the board before anything else can (an import into a board it found empty). The update is
   * given up (made for this, in a worker): a large one moves to the loader's worker.
   */
  async applyServer(update: Uint8Array, origin: string | null = null): Promise<void> {
    while (!this.open) await this.whenOpen();
    const applied = this.takesLarge(update)
      ? await this.applyLarge(update, origin, true)
      : this.board.applyUpdate(update, scanUpdate(update), origin);
    await applied.durable;
  }

  /** Throws the refusal of `bytes` more that the board, or the node's memory, has no room for. */
  #checkRoom(bytes: number): void {
    this.#checkBoardSize(bytes);
    this.memory?.assertRoom(bytes, 'the update could not be taken');
  }

  #checkBoardSize(bytes: number): void {
    const limit = this.limits.maxBoardBytes;
    if (this.board.log.bytes + bytes > limit) {
      throw new ProtocolError(
        ErrorCode.BOARD_TOO_LARGE,
        `board ${this.board.boardId} would exceed ${limit} bytes`,
      );
    }
  }

  #reopen(job: Promise<unknown>): void {
    if (this.#applying === job) this.#applying = null;
  }

  async #apply(
    update: Uint8Array,
    memberId: string | null,
    loader: BoardLoader,
    move: boolean,
  ): Promise<Applied> {
    // Read before the update may move to the worker.
    const bytes = update.byteLength;
    const sliced = await loader.sliceUpdate(update, { move });
    if ('invalid' in sliced) {
      const { error } = invalidUpdate(sliced.invalid);
      throw new ProtocolError(error.code, error.message);
    }
    const { scan, slices } = sliced;
    if (!slices) return this.board.applyUpdate(sliced.whole, scan, memberId);
    // The slices are in an order that meets every dependency inside the update: no cycles.
    const store = this.board.doc.store;
    const missing = findMissingDependency(scan, (client) => Y.getState(store, client), {
      cycles: false,
    });
    if (missing) throw new ProtocolError(ErrorCode.MISSING_DEPENDENCIES, missing);
    // The node's memory is held for it already (`applyLarge`).
    this.#checkBoardSize(bytes);
    const stored: Promise<void>[] = [];
    await inTurns(slices, (slice) => {
      const durable = this.board.applySlice(slice.update, slice.scan, memberId);
      if (durable) stored.push(durable);
    });
    if (stored.length === 0) return { integrated: false, durable: this.board.durable() };
    return { integrated: true, durable: Promise.all(stored).then(noop) };
  }
}

const noop = () => {};
