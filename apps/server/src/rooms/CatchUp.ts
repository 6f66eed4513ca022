import type { ScannedUpdate } from '@drawbridge/protocol';
import { FreshRun } from '../flow/FreshRun.js';
import type { Logger } from '../logger.js';
import type { BoardLog } from './BoardLog.js';
import { type BoardLoader, DIRECT_LOAD_BYTES } from './loading/BoardLoader.js';
import { inTurns } from './loading/inTurns.js';

export interface CatchUpOptions {
  log: BoardLog;
  /**
   * Applies one record (or snapshot) read from storage, or a slice of one with its scan (made in
   * the loader's worker from a checked record: applied and relayed as it came).
   */
  apply: (update: Uint8Array, scan?: ScannedUpdate) => void;
  /** Slices large records; without it, every read is applied in one go. */
  loader: Pick<BoardLoader, 'sliceUpdate'> | null;
  /** How long a gap may stand before it is read (a peer's notice may just be late). */
  graceMs: number;
  /** Records read by a catch-up that found any. */
  onRead?: (records: number) => void;
  logger: Logger;
  boardId: string;
}

/**
 * Reads from storage what a board's document lacks. Concurrent callers share reads, but a caller
 * always gets a read that started after its call: a join must see every record stored before it
 * arrived, and a read already in flight may have started too early.
 */
export class CatchUp {
  readonly #options: CatchUpOptions;
  readonly #reads: FreshRun<void>;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: CatchUpOptions) {
    this.#options = options;
    this.#reads = new FreshRun(() =>
      options.log
        .catchUp((updates) => this.#apply(updates))
        .then((records) => {
          if (records > 0) options.onRead?.(records);
        }),
    );
  }

  /** Resolves once a read that started after this call has been applied. */
  now(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return this.#reads.after();
  }

  /** Reads after the grace delay, if the gap is still there then. */
  soon(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (!this.#options.log.behind) return;
      this.now().catch((error: unknown) => {
        this.#options.logger.warn(
          { boardId: this.#options.boardId, err: error },
          'gap repair failed; the periodic check retries',
        );
      });
    }, this.#options.graceMs);
    this.#timer.unref();
  }

  /**
   * A small read is applied in one go. A large one (a paste or a whole snapshot missed during a
   * Redis outage: 470-670 ms of the event loop for 10,000 shapes) goes in a few milliseconds at
   * a time, its large records sliced in the loader's worker first.
   */
  async #apply(updates: readonly Uint8Array[]): Promise<void> {
    const { apply, loader } = this.#options;
    const bytes = updates.reduce((sum, update) => sum + update.byteLength, 0);
    if (!loader || bytes < DIRECT_LOAD_BYTES) {
      for (const update of updates) apply(update);
      return;
    }
    const pieces: Array<{ update: Uint8Array; scan?: ScannedUpdate }> = [];
    for (const update of updates) {
      const sliced =
        update.byteLength >= DIRECT_LOAD_BYTES ? await loader.sliceUpdate(update) : null;
      // One that cannot be sliced goes in whole (one that does not decode is then skipped).
      if (sliced && 'slices' in sliced && sliced.slices) pieces.push(...sliced.slices);
      else pieces.push({ update });
    }
    await inTurns(pieces, (piece) => apply(piece.update, piece.scan));
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
