import { withTimeout } from '../withTimeout.js';

/**
 * One moment that several waits share: each ends by it, however long the ones before took. A
 * join waits on storage up to three times (revocations, its stored state, a catch-up read) and
 * must be answered before its client's ack timeout all the same.
 */
export class Deadline {
  readonly #at: number;

  constructor(
    ms: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#at = now() + ms;
  }

  /**
   * `promise`'s outcome, or a rejection (`<what> within <ms> ms`) once the deadline has passed.
   * The promise itself runs on.
   */
  within<T>(promise: Promise<T>, what: string): Promise<T> {
    return withTimeout(promise, Math.max(0, this.#at - this.now()), what);
  }
}
