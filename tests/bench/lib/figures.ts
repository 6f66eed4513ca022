/** How a metric's figures read: units, medians, and Drawbridge's advantage over a peer. */
import type { Metric, Unit } from './scenario.js';
import type { Subject } from './servers.js';
import { median } from './stats.js';

/** Short names for ratios ("0.87x Hocuspocus"). */
export const SHORT: Record<Subject, string> = {
  drawbridge: 'Drawbridge',
  ws: 'ws',
  socketio: 'Socket.IO',
  hocuspocus: 'Hocuspocus',
  'y-websocket': 'y-websocket',
  excalidraw: 'Excalidraw',
  tldraw: 'tldraw',
};

export function format(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return 'n/a';
  switch (unit) {
    case 'per-s':
    case 'count':
      return value >= 10_000
        ? `${(value / 1000).toFixed(value >= 100_000 ? 0 : 1)}k`
        : Math.round(value).toLocaleString('en-US');
    case 'ms':
      return value >= 1000
        ? `${(value / 1000).toFixed(2)} s`
        : value >= 10
          ? `${value.toFixed(0)} ms`
          : `${value.toFixed(1)} ms`;
    case 'us':
      return `${value.toFixed(value >= 100 ? 0 : 1)} µs`;
    case 'kb':
      return `${value.toFixed(1)} KB`;
    case 'bytes':
      return `${Math.round(value).toLocaleString('en-US')} B`;
    case 'num':
      return value.toFixed(2);
    case 'ratio':
      return value.toFixed(2);
  }
}

export const medianOf = (m: Metric, kind: Subject): number => median(m.values[kind] ?? []);

/** >1: Drawbridge's figure `db` better than a peer's `other`, on a metric that is `better`. */
export const gain = (better: Metric['better'], db: number, other: number): number =>
  better === 'higher' ? db / other : other / db;

/** >1: Drawbridge better than `peer` on this metric. */
export function advantage(m: Metric, peer: Subject): number {
  return gain(m.better, medianOf(m, 'drawbridge'), medianOf(m, peer));
}
