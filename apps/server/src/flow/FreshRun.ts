/**
 * Runs an async job one at a time, for callers that each need a run that started after they
 * asked (one already running may have started too early for them). Callers arriving while a
 * run is in flight wait for it to end, then share the next one.
 */
export class FreshRun<T> {
  #running: Promise<T> | null = null;
  #next: Promise<T> | null = null;

  constructor(private readonly job: () => Promise<T>) {}

  /** The run in flight, if any. */
  get running(): Promise<T> | null {
    return this.#running;
  }

  /** A run that starts now, or as soon as the one in flight has ended. */
  after(): Promise<T> {
    if (!this.#running) return this.#start();
    this.#next ??= this.#running
      .catch(() => undefined)
      .then(() => {
        this.#next = null;
        return this.#start();
      });
    return this.#next;
  }

  #start(): Promise<T> {
    const run = this.job().finally(() => {
      if (this.#running === run) this.#running = null;
    });
    this.#running = run;
    return run;
  }
}
