import { collectDefaultMetrics, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
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

  it("exports prom-client's default process metrics, garbage collections only when asked", async () => {
    const names = (registry: Registry) =>
      registry
        .getMetricsAsArray()
        .map((m) => m.name)
        .sort();
    const defaults = new Registry();
    collectDefaultMetrics({ register: defaults, prefix: 'drawbridge_' });
    const gc = 'drawbridge_nodejs_gc_duration_seconds';
    expect(names(defaults)).toContain(gc);

    const plain = names(new Metrics().registry);
    const withGc = names(new Metrics({ gcDurations: true }).registry);
    // Every default metric, under the same name, beside the server's own.
    for (const name of names(defaults)) {
      if (name !== gc) expect(plain).toContain(name);
      expect(withGc).toContain(name);
    }
    expect(plain).not.toContain(gc);
    expect(withGc.filter((n) => n !== gc)).toEqual(plain);
    const text = await new Metrics().registry.metrics();
    expect(sample(text, 'drawbridge_process_start_time_seconds')).toBeGreaterThan(1.7e9);
    expect(sample(text, 'drawbridge_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('reads METRICS_GC_DURATIONS as a flag, refusing anything else', () => {
    expect(loadConfig({}).metricsGcDurations).toBe(false);
    for (const on of ['1', 'true', 'TRUE'])
      expect(loadConfig({ METRICS_GC_DURATIONS: on }).metricsGcDurations).toBe(true);
    for (const off of ['0', 'false', ''])
      expect(loadConfig({ METRICS_GC_DURATIONS: off }).metricsGcDurations).toBe(false);
    expect(() => loadConfig({ METRICS_GC_DURATIONS: 'yes' })).toThrow(ConfigError);
  });
});
