/**
 * Frame intervals from requestAnimationFrame timestamps, read as whole display frames.
 *
 * A rAF timestamp is the begin time of the frame it runs in, so in Chromium every interval is a
 * whole number of display periods. Chromium also coarsens those timestamps to 100 µs in a page
 * that is not cross-origin isolated: a page presenting every frame at 60 Hz measures intervals of
 * 16.6, 16.7 and 16.8 ms, and their raw p95 reads 16.8 ms although no frame was missed. Each
 * interval is therefore snapped to the nearest whole number of periods, the period being
 * measured in the same page while it is idle.
 */

/**
 * The display period from the timestamps of consecutive idle frames: the mean interval, leaving
 * out any interval over 1.5 times the median (a frame the busy host made late).
 */
export function framePeriod(timestamps: readonly number[]): number {
  const intervals = timestamps.slice(1).map((t, i) => t - timestamps[i]!);
  if (intervals.length === 0) throw new Error('framePeriod needs at least two timestamps');
  const sorted = [...intervals].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1]!;
  const regular = intervals.filter((ms) => ms <= 1.5 * median);
  return regular.reduce((sum, ms) => sum + ms, 0) / regular.length;
}

/** How many display periods an interval spanned (at least one). */
export function periodsIn(interval: number, period: number): number {
  return Math.max(1, Math.round(interval / period));
}

/** Each interval as the whole periods it spanned, in milliseconds. */
export function snapToFrames(intervals: readonly number[], period: number): number[] {
  return intervals.map((ms) => periodsIn(ms, period) * period);
}

/** Display frames that passed without a new frame from the page. */
export function missedFrames(intervals: readonly number[], period: number): number {
  return intervals.reduce((sum, ms) => sum + periodsIn(ms, period) - 1, 0);
}
