export interface Clock {
  now: () => number;
  schedule: (fn: () => void, ms: number) => () => void;
}

/**
 * Sends a value at most every `interval` ms; the latest value wins. Keeps fast-changing
 * presence (pointer, view, laser) well under the server's message budget.
 */
export class Throttled<T> {
  readonly #send: (value: T) => void;
  readonly #interval: number;
  readonly #clock: Clock;
  #value: T | undefined;
  #lastSent = Number.NEGATIVE_INFINITY;
  #cancel: (() => void) | null = null;

  constructor(send: (value: T) => void, interval: number, clock: Clock) {
    this.#send = send;
    this.#interval = interval;
    this.#clock = clock;
  }

  /** Queues `value`; `now` sends it at once (and drops anything pending). */
  set(value: T, now = false): void {
    this.#value = value;
    const wait = this.#lastSent + this.#interval - this.#clock.now();
    if (wait <= 0 || now) this.flush();
    else this.#cancel ??= this.#clock.schedule(() => this.flush(), wait);
  }

  flush(): void {
    this.#cancel?.();
    this.#cancel = null;
    this.#lastSent = this.#clock.now();
    this.#send(this.#value as T);
  }

  cancel(): void {
    this.#cancel?.();
    this.#cancel = null;
  }
}
