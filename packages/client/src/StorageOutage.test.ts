import { ErrorCode } from '@drawbridge/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIRST_CHECK_MS, MAX_CHECK_MS, NOT_STORED, StorageOutage } from './StorageOutage.js';

const storageError = { code: ErrorCode.STORAGE_ERROR, message: 'the update could not be stored' };

/** The times (ms from the start) at which `outage` checked, over `ms` of fake time. */
function checksOver(ms: number, setUp: (outage: StorageOutage, at: number[]) => void): number[] {
  const at: number[] = [];
  const start = Date.now();
  const outage: StorageOutage = new StorageOutage(() => {
    at.push(Date.now() - start);
    // A check is a rejoin: answered `unstored` again while the outage lasts.
    outage.answered(true, true);
  });
  setUp(outage, at);
  vi.advanceTimersByTime(ms);
  return at;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('StorageOutage', () => {
  it('checks back with a jittered backoff that doubles up to its cap while the outage lasts', () => {
    vi.useFakeTimers();
    const at = checksOver(60_000, (outage) => {
      expect(outage.answered(true, true)).toEqual(NOT_STORED);
      expect(outage.failing).toBe(true);
    });
    const gaps = at.map((t, i) => t - (at[i - 1] ?? 0));
    const expected = [1, 2, 4, 8, 8, 8].map((k) => Math.min(k * FIRST_CHECK_MS, MAX_CHECK_MS));
    expected.forEach((base, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(base * 0.75);
      expect(gaps[i]).toBeLessThanOrEqual(base * 1.25);
    });
    // Over a minute, a handful of checks, not one per second.
    expect(at.length).toBeLessThanOrEqual(10);
  });

  it('has no error and no check for a client with nothing unsaved, until an update is refused', () => {
    vi.useFakeTimers();
    const at = checksOver(10_000, (outage) => {
      expect(outage.answered(true, false)).toBeNull();
      expect(outage.failing).toBe(true);
    });
    expect(at).toEqual([]);
    const refused = checksOver(1500, (outage) => {
      outage.answered(true, false);
      expect(outage.refused(storageError)).toBe(true);
      // Only one check is due however many updates are refused.
      expect(outage.refused(storageError)).toBe(true);
    });
    expect(refused).toHaveLength(1);
  });

  it('checks after the first refusal too, and leaves other refusals to the provider', () => {
    vi.useFakeTimers();
    const first = checksOver(1500, (outage) => {
      expect(outage.failing).toBe(false);
      expect(outage.refused(storageError)).toBe(true);
    });
    expect(first).toHaveLength(1);
    const outage = new StorageOutage(() => {});
    expect(outage.refused({ code: ErrorCode.RATE_LIMITED, message: 'slow down' })).toBe(false);
    outage.answered(true, false);
    expect(outage.refused({ code: ErrorCode.MISSING_DEPENDENCIES, message: 'x' })).toBe(false);
    outage.cancel();
  });

  it('stops checking once storage works, and starts over from the first backoff after', () => {
    vi.useFakeTimers();
    const at = checksOver(30_000, (outage) => {
      outage.answered(true, true);
      // Just before the first check, an ack says storage works.
      setTimeout(() => outage.stored(), 700);
    });
    expect(at).toEqual([]);
    const outage = new StorageOutage(() => {});
    expect(outage.confirmed).toBe(false);
    outage.answered(true, true);
    expect(outage.confirmed).toBe(false);
    expect(outage.answered(false, true)).toBeNull();
    expect(outage.confirmed).toBe(true);
    expect(outage.failing).toBe(false);
  });
});
