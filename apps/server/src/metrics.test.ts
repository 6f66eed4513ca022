import { describe, expect, it } from 'vitest';
import { Metrics } from './metrics.js';

/** The value of one sample line of the exposition text (`name{labels}`), or undefined. */
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('Metrics', () => {
  it('hands inbound counts to their counters at each scrape, each count once', async () => {
    const metrics = new Metrics();
    for (let i = 0; i < 3; i++) metrics.countIn('doc:update');
    metrics.countIn('awareness:update');
    metrics.countBytesIn(100);
    let text = await metrics.registry.metrics();
    expect(sample(text, 'drawbridge_updates_in_total{event="doc:update"}')).toBe(3);
    expect(sample(text, 'drawbridge_updates_in_total{event="awareness:update"}')).toBe(1);
    expect(sample(text, 'drawbridge_bytes_in_total')).toBe(100);
    metrics.countIn('doc:update');
    metrics.countBytesIn(5);
    text = await metrics.registry.metrics();
    expect(sample(text, 'drawbridge_updates_in_total{event="doc:update"}')).toBe(4);
    expect(sample(text, 'drawbridge_updates_in_total{event="awareness:update"}')).toBe(1);
    expect(sample(text, 'drawbridge_bytes_in_total')).toBe(105);
    // A scrape with nothing new changes nothing.
    text = await metrics.registry.metrics();
    expect(sample(text, 'drawbridge_updates_in_total{event="doc:update"}')).toBe(4);
    expect(sample(text, 'drawbridge_bytes_in_total')).toBe(105);
  });
});
