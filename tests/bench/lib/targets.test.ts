import { describe, expect, it } from 'vitest';
import type { Metric } from './scenario.js';
import { checkTargets, type MeasuredScenario, targetsTable } from './targets.js';

const scenario = (name: string, metrics: Metric[]): MeasuredScenario => ({
  scenario: { name },
  result: { metrics, notes: [], runs: [] },
});

const perSecond = (name: string, values: Metric['values']): Metric => ({
  name,
  unit: 'per-s',
  better: 'higher',
  values,
});

describe('bench targets', () => {
  it('checks ratios against peers of the same run, on medians', () => {
    const fanout = scenario('fanout', [
      // Medians: Drawbridge 1,500k, ws 300k (5x), Hocuspocus 1,000k (1.5x).
      perSecond('deliveries/s, every edit sent at once', {
        drawbridge: [1_400_000, 1_500_000, 9_000_000],
        ws: [300_000],
        hocuspocus: [1_000_000],
      }),
      // 1.3x Hocuspocus: short of 1.4x.
      perSecond('deliveries/s', {
        drawbridge: [1_300_000],
        ws: [200_000],
        hocuspocus: [1_000_000],
      }),
    ]);
    const checked = checkTargets([fanout]);
    expect(checked.map((t) => [t.target.slice(0, 20), t.figure, t.met])).toEqual([
      ['fan-out, 64 in fligh', '1300k (6.50x ws, 1.30x Hocuspocus)', false],
      ['fan-out, every edit ', '1500k (5.00x ws, 1.50x Hocuspocus)', true],
    ]);
  });

  it('leaves out a target whose peer or scenario the run did not measure', () => {
    const fanout = scenario('fanout', [
      perSecond('deliveries/s', { drawbridge: [1_300_000], ws: [200_000] }),
    ]);
    expect(checkTargets([fanout])).toEqual([]);
    expect(targetsTable([fanout])).toBeNull();
  });

  it('holds bounds, strict ones below the bound, frame times at their 0.1 ms resolution', () => {
    const ms = (name: string, drawbridge: number[]): Metric => ({
      name,
      unit: 'ms',
      better: 'lower',
      values: { drawbridge },
    });
    const checked = checkTargets([
      scenario('flood', [ms("other boards' round trip p99 during the flood", [50])]),
      scenario('render', [
        ms('10,000 shapes: p95 frame', [16.700000000000728]),
        ms('2,000 shapes: p95 frame', [16.700000000000728]),
      ]),
      scenario('reconnect', [
        {
          name: 'all rejoined and converged, from server ready',
          unit: 'ms',
          better: 'lower',
          values: { drawbridge: [900], hocuspocus: [1300], 'y-websocket': [950] },
        },
        // One round lost an acked edit: the median would hide it.
        { ...ms('acked edits lost after kill -9', [0, 1, 0]), unit: 'count' },
      ]),
    ]);
    expect(checked.map((t) => [t.figure, t.met])).toEqual([
      ['50 ms', false],
      ['900 ms (1.44x Hocuspocus, 1.06x y-websocket); 1 in the worst round', false],
      ['16.7 ms; 16.7 ms', true],
    ]);
    expect(
      targetsTable([
        scenario('flood', [ms("other boards' round trip p99 during the flood", [49])]),
      ]),
    ).toContain("| flood: other boards' round trips, p99 < 50 ms | 8 | 49 ms | yes |");
  });

  it('checks each round on its own figures, paired by round across servers', () => {
    const fanout = scenario('fanout', [
      // Medians: 1,500k against 1,000k (1.5x); round 2 alone is short of 1.4x (1.2x).
      perSecond('deliveries/s, every edit sent at once', {
        drawbridge: [1_500_000, 1_200_000, 1_600_000],
        ws: [300_000, 300_000, 300_000],
        hocuspocus: [1_000_000, 1_000_000, 1_000_000],
      }),
      // A peer measured in fewer rounds: the rounds cannot be paired.
      perSecond('deliveries/s', {
        drawbridge: [1_500_000, 1_500_000],
        ws: [300_000],
        hocuspocus: [1_000_000, 1_000_000],
      }),
    ]);
    const latency = scenario('latency', [
      {
        name: 'p99 end to end',
        unit: 'ms',
        better: 'lower',
        // Lower is better: round 3 is below both peers and within 5 ms; round 1 is below
        // neither; round 2 is below both but over the bound.
        values: {
          drawbridge: [2.5, 6, 2.0],
          hocuspocus: [2.2, 7, 2.3],
          'y-websocket': [1.6, 6.5, 2.1],
        },
      },
    ]);
    const checked = checkTargets([fanout, latency]);
    expect(checked.map((t) => [t.target.slice(0, 20), t.met, t.rounds])).toEqual([
      ['fan-out, 64 in fligh', true, null],
      ['fan-out, every edit ', true, [true, false, true]],
      ['latency at 500 updat', false, [false, false, true]],
    ]);
    const table = targetsTable([fanout, latency])!;
    expect(table).toContain('| 1500k (5.00x ws, 1.50x Hocuspocus) | yes | 2 of 3 |');
    expect(table).toContain('| 1500k (5.00x ws, 1.50x Hocuspocus) | yes | n/a |');
    expect(table).toContain('| 2.5 ms (0.92x Hocuspocus, 0.84x y-websocket) | NO | 1 of 3 |');
  });
});
