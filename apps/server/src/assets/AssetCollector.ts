import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { AssetStore, GarbageReport } from '../storage/AssetStore.js';

export interface AssetCollectorOptions {
  assets: AssetStore;
  clock: Clock;
  logger: Logger;
  /** How long an image nothing refers to is kept. */
  graceMs: number;
  /** How often to look (default: hourly, or a quarter of the grace period if shorter). */
  everyMs?: number;
}

/**
 * Deletes, from time to time, the images no board and no kept version refers to once their
 * grace period is over (the rule is the store's, see `AssetStore.ts`). Every node runs one: a
 * collection is idempotent, and PostgreSQL lets one run at a time.
 */
export class AssetCollector {
  readonly #options: AssetCollectorOptions;
  readonly #timer: NodeJS.Timeout;
  #running: Promise<GarbageReport | null> | null = null;

  constructor(options: AssetCollectorOptions) {
    this.#options = options;
    const every = options.everyMs ?? Math.min(60 * 60 * 1000, Math.max(1000, options.graceMs / 4));
    this.#timer = setInterval(() => void this.collect(), every);
    this.#timer.unref();
  }

  /** Collects now (one collection at a time); null when it failed (logged). */
  collect(): Promise<GarbageReport | null> {
    this.#running ??= this.#options.assets
      .collectGarbage({ now: this.#options.clock.now(), graceMs: this.#options.graceMs })
      .then(
        (report) => {
          if (report.links > 0 || report.assets > 0) {
            this.#options.logger.info(report, 'unused images collected');
          }
          return report;
        },
        (error: unknown) => {
          this.#options.logger.warn({ err: error }, 'collecting unused images failed');
          return null;
        },
      )
      .finally(() => {
        this.#running = null;
      });
    return this.#running;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
