import { describe, expect, it } from 'vitest';
import { FORGET_GONE_MS, GoneClocks, SWEEP_EVERY_MS } from './GoneClocks.js';

/** An awareness's clocks: `own` (1), and ids present or gone, each last updated at `at`. */
function clocks(entries: { id: number; at: number; present?: boolean }[]) {
  const meta = new Map<number, { lastUpdated: number }>([[1, { lastUpdated: 0 }]]);
  const states = new Map<number, unknown>();
  for (const { id, at, present } of entries) {
    meta.set(id, { lastUpdated: at });
    if (present) states.set(id, {});
  }
  return { clientID: 1, meta, states };
}

describe('GoneClocks', () => {
  it('forgets ids without a state for FORGET_GONE_MS, never its own, a present one or a kept one', () => {
    const now = 5 * FORGET_GONE_MS;
    const awareness = clocks([
      { id: 2, at: 0 },
      { id: 3, at: 0, present: true },
      { id: 4, at: now - FORGET_GONE_MS + 1 },
      { id: 5, at: 0 },
      { id: 6, at: now - FORGET_GONE_MS },
    ]);
    const gone = new GoneClocks(awareness, (id) => id === 5);
    expect(gone.sweep(now).sort()).toEqual([2, 6]);
    expect([...awareness.meta.keys()].sort()).toEqual([1, 3, 4, 5]);
  });

  it('looks at most once every SWEEP_EVERY_MS', () => {
    const awareness = clocks([{ id: 2, at: 0 }]);
    const gone = new GoneClocks(awareness);
    expect(gone.sweep(FORGET_GONE_MS - 1)).toEqual([]);
    // Gone long enough now, but looked too lately.
    expect(gone.sweep(FORGET_GONE_MS + SWEEP_EVERY_MS - 2)).toEqual([]);
    expect(awareness.meta.has(2)).toBe(true);
    expect(gone.sweep(FORGET_GONE_MS + SWEEP_EVERY_MS)).toEqual([2]);
  });
});
