import type { Logger } from '../../logger.js';
import type { RpcWorker } from '../../workers/RpcWorker.js';
import type { StrayParts } from './boardParts.js';
import { dropParts, SNAPSHOT_PART_METHODS, VERSION_PART_METHODS } from './partCalls.js';

/** Writes' parts looked up per call. */
const STRAYS_PER_CALL = 32;

export interface StrayPartSweepOptions {
  /** The storage's read-only connection: the look at every board's parts happens there. */
  reader: RpcWorker;
  /** Its writer: the parts are deleted there, a few per commit. */
  writer: RpcWorker;
  logger: Logger;
  /** How often to look (default hourly); null: only when `sweep` is called. */
  everyMs?: number | null;
}

/**
 * Deletes, from time to time, the parts of large snapshots and versions that no row names and
 * that were written over an hour ago, on any board. A board's own writes sweep its orphans, but
 * only when it is written again: this sweep reaches the rest, those of a board whose deletion
 * stopped between its version rows and their parts, and those of a writer that died midway on a
 * board nobody compacts or versions again.
 */
export class StrayPartSweep {
  readonly #options: StrayPartSweepOptions;
  readonly #timer: NodeJS.Timeout | null;
  #running: Promise<number> | null = null;
  #closed = false;

  constructor(options: StrayPartSweepOptions) {
    this.#options = options;
    const every = options.everyMs === undefined ? 60 * 60 * 1000 : options.everyMs;
    this.#timer = every === null ? null : setInterval(() => void this.sweep(), every);
    this.#timer?.unref();
  }

  /** Sweeps now (one sweep at a time): how many writes' parts it deleted; 0 when it failed. */
  sweep(): Promise<number> {
    this.#running ??= this.#sweep()
      .then(
        (writes) => {
          if (writes > 0) this.#options.logger.info({ writes }, 'stray parts deleted');
          return writes;
        },
        (error: unknown) => {
          this.#options.logger.warn({ err: error }, 'sweeping stray parts failed');
          return 0;
        },
      )
      .finally(() => {
        this.#running = null;
      });
    return this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }

  async #sweep(): Promise<number> {
    const { reader, writer } = this.#options;
    let writes = 0;
    for (;;) {
      if (this.#closed) return writes;
      const found = await reader.call<{ snapshots: StrayParts[]; versions: StrayParts[] }>(
        'strayParts',
        [Date.now(), STRAYS_PER_CALL],
      );
      for (const { boardId, token } of found.snapshots) {
        if (this.#closed) return writes;
        await dropParts(writer, SNAPSHOT_PART_METHODS, boardId, token);
        writes++;
      }
      for (const { boardId, token } of found.versions) {
        if (this.#closed) return writes;
        await dropParts(writer, VERSION_PART_METHODS, boardId, token);
        writes++;
      }
      const more =
        found.snapshots.length === STRAYS_PER_CALL || found.versions.length === STRAYS_PER_CALL;
      if (!more) return writes;
    }
  }
}
