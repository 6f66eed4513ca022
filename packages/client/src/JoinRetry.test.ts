import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIRST_RETRY_MS, JoinRetry, MAX_RETRY_MS } from './JoinRetry.js';

afterEach(() => {
  vi.useRealTimers();
});

/** The times (ms from the start) at which a join refused every time was retried, over `ms`. */
function retriesOver(ms: number): number[] {
  const at: number[] = [];
  const start = Date.now();
  const retry: JoinRetry = new JoinRetry(() => {
    at.push(Date.now() - start);
    retry.later(); // refused again
  });
  retry.later();
  vi.advanceTimersByTime(ms);
  retry.cancel();
  return at;
}

describe('JoinRetry', () => {
  it('retries a join refused every time with a jittered backoff that doubles up to its cap', () => {
    vi.useFakeTimers();
    const at = retriesOver(60_000);
    const gaps = at.map((t, i) => t - (at[i - 1] ?? 0));
    const expected = [1, 2, 4, 8, 8, 8].map((k) => Math.min(k * FIRST_RETRY_MS, MAX_RETRY_MS));
    expected.forEach((base, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(base * 0.5);
      expect(gaps[i]).toBeLessThanOrEqual(base * 1.5);
    });
    // Over a minute, a handful of joins, not one a second.
    expect(at.length).toBeLessThanOrEqual(15);
  });

  it('comes back soon after a join is answered, and drops a retry that was due', () => {
    vi.useFakeTimers();
    let retries = 0;
    const retry = new JoinRetry(() => retries++);
    for (let i = 0; i < 5; i++) {
      retry.later();
      vi.advanceTimersByTime(3 * MAX_RETRY_MS);
    }
    expect(retries).toBe(5);
    retry.later();
    expect(retry.pending).toBe(true);
    retry.reset();
    expect(retry.pending).toBe(false);
    vi.advanceTimersByTime(3 * MAX_RETRY_MS);
    expect(retries).toBe(5);
    // The count starts again: the next refusal is retried within the first backoff.
    retry.later();
    vi.advanceTimersByTime(1.5 * FIRST_RETRY_MS);
    expect(retries).toBe(6);
  });

  it('keeps one retry due however often it is asked for', () => {
    vi.useFakeTimers();
    let retries = 0;
    const retry = new JoinRetry(() => retries++);
    retry.later();
    retry.later();
    retry.later();
    vi.advanceTimersByTime(1.5 * FIRST_RETRY_MS);
    expect(retries).toBe(1);
    expect(retry.pending).toBe(false);
  });
});
