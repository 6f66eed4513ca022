/** The first retry of a refused or unanswered join waits about this long (0.5-1.5 s). */
export const FIRST_RETRY_MS = 1000;
/** The longest wait between retries, about (4-12 s): how long a recovered server may wait. */
export const MAX_RETRY_MS = 8000;

/**
 * When a provider tries its join again after a retryable refusal (`STORAGE_ERROR`,
 * `RATE_LIMITED`, ...) or no answer. The first retry comes soon, as a `MISSING_DEPENDENCIES`
 * cured by the rejoin wants; each retry that fails again waits twice as long, up to
 * `MAX_RETRY_MS`, so a server that refuses every join for a while (an outage, a full memory
 * budget) is not asked by every open tab once a second. Waits are jittered (half to one and a
 * half times), so tabs refused together do not come back together. A join that is answered, or
 * a new connection, starts the count again.
 */
export class JoinRetry {
  #failures = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly retry: () => void) {}

  /** True while a retry is due. */
  get pending(): boolean {
    return this.#timer !== null;
  }

  /** Retries once after the current backoff, unless a retry is already due. */
  later(): void {
    if (this.#timer) return;
    const backoff = Math.min(FIRST_RETRY_MS * 2 ** this.#failures, MAX_RETRY_MS);
    this.#failures++;
    this.#timer = setTimeout(
      () => {
        this.#timer = null;
        this.retry();
      },
      backoff * (0.5 + Math.random()),
    );
  }

  /**
   * A join was answered, or the connection went (its reconnect joins at once): the next refusal
   * is retried soon again, and a retry due is not needed.
   */
  reset(): void {
    this.#failures = 0;
    this.cancel();
  }

  cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
