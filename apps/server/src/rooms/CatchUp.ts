import { FreshRun } from '../flow/FreshRun.js';
import type { Logger } from '../logger.js';
import type { BoardLog } from './BoardLog.js';

export interface CatchUpOptions {
  log: BoardLog;
  /** Applies one record (or snapshot) read from storage. */
  apply: (update: Uint8Array) => void;
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
      options.log.catchUp(options.apply).then((records) => {
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

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
