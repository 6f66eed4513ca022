import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

/** How long after a logged storage failure the next ones are only counted. */
export const STORAGE_ERROR_LOG_EVERY_MS = 10_000;

/**
 * The log of storage failures answered to clients (`STORAGE_ERROR`). While storage fails (a full
 * disk, PostgreSQL down), every client's edit and every rejoin retry fails the same way, several
 * times a second per client: one line per failure would bury everything else. The first failure
 * is logged with its cause; then at most one line every `STORAGE_ERROR_LOG_EVERY_MS`, carrying
 * the latest cause and how many failures went unlogged since the line before. Every failure is
 * still counted in `drawbridge_errors_total{code="STORAGE_ERROR"}`.
 */
export class StorageErrorLog {
  #lastLoggedAt = Number.NEGATIVE_INFINITY;
  #unlogged = 0;

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  report(context: Record<string, unknown>, cause: unknown): void {
    const now = this.clock.now();
    if (now - this.#lastLoggedAt < STORAGE_ERROR_LOG_EVERY_MS) {
      this.#unlogged++;
      return;
    }
    const unlogged = this.#unlogged;
    this.#lastLoggedAt = now;
    this.#unlogged = 0;
    this.logger.error(
      { ...context, err: cause, ...(unlogged > 0 ? { unlogged } : {}) },
      unlogged > 0
        ? `storage failed; ${unlogged} more storage failures since the last line`
        : 'storage failed',
    );
  }
}
