import { describe, expect, it } from 'vitest';
import { framePeriod, missedFrames, snapToFrames } from './frames.js';
import { percentile } from './stats.js';

/** Timestamps of frames at 60 Hz, each rounded down to 100 µs as Chromium coarsens them. */
function coarsened(periods: readonly number[]): number[] {
  const period = 1000 / 60;
  let at = 1234.5678;
  return [at, ...periods.map((k) => (at += k * period))].map((t) => Math.floor(t * 10) / 10);
}

const intervals = (timestamps: readonly number[]) =>
  timestamps.slice(1).map((t, i) => t - timestamps[i]!);

describe('frame intervals', () => {
  it('measures the display period from idle frames, leaving out late ones', () => {
    const idle = coarsened([1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(framePeriod(idle)).toBeCloseTo(1000 / 60, 2);
  });

  it('reads coarsened intervals of a page that missed no frame as one period each', () => {
    const measured = intervals(coarsened(Array(300).fill(1)));
    // The raw figures jitter around the period, and their p95 is above it.
    expect(new Set(measured.map((ms) => ms.toFixed(1)))).toEqual(new Set(['16.6', '16.7']));
    const period = framePeriod(coarsened(Array(60).fill(1)));
    const snapped = snapToFrames(measured, period);
    expect(
      percentile(
        [...snapped].sort((a, b) => a - b),
        0.95,
      ),
    ).toBeCloseTo(1000 / 60, 2);
    expect(missedFrames(measured, period)).toBe(0);
  });

  it('counts every missed frame, and a late frame keeps its whole length', () => {
    const periods = [...Array(90).fill(1), 2, 2, 3, 9, 20];
    const measured = intervals(coarsened(periods));
    const period = framePeriod(coarsened(Array(60).fill(1)));
    expect(missedFrames(measured, period)).toBe(1 + 1 + 2 + 8 + 19);
    const snapped = snapToFrames(measured, period).sort((a, b) => a - b);
    expect(snapped.at(-1)).toBeCloseTo((20 * 1000) / 60, 2);
    expect(percentile(snapped, 0.95)).toBeCloseTo((2 * 1000) / 60, 2);
  });
});
