/**
 * What the host itself adds to tail figures, read once before the scenarios run:
 * - how long a core that never sleeps goes without running: one thread spins per core, reading
 *   the clock, so any gap between two readings is time the host took (its hypervisor, other
 *   tenants, daemons), which every server's p99 in the run pays too;
 * - what one durable write costs on the disk the servers store on: 4 KB appended and
 *   fdatasync'd, as a SQLite WAL commit does. Drawbridge acks an edit after that; the peers do not
 *   write before acking, so its round trips carry this disk's tail and theirs do not.
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { percentile } from './stats.js';

export interface HostNoise {
  /** Spinning threads (one per core) and how long each spun. */
  spinners: number;
  spinMs: number;
  /** The longest gap between two clock readings of a spinning thread. */
  stallMaxMs: number;
  /** Share of the spinning time lost in gaps over 1 ms. */
  stalledShare: number;
  /** 4 KB write + fdatasync, in the directory servers keep their data in. */
  sync: { samples: number; p50Ms: number; p99Ms: number; maxMs: number };
}

/** A gap over this is a stall (a clock reading itself takes well under a microsecond). */
const STALL_MS = 1;

// Plain JavaScript: a worker started with `eval` runs outside the bench's TypeScript loader.
const SPIN = `
const { parentPort, workerData } = require('node:worker_threads');
const end = performance.now() + workerData.ms;
let last = performance.now();
let max = 0;
let lost = 0;
for (;;) {
  const t = performance.now();
  if (t >= end) break;
  const gap = t - last;
  if (gap > max) max = gap;
  if (gap > ${STALL_MS}) lost += gap;
  last = t;
}
parentPort.postMessage({ max, lost });
`;

function spin(ms: number): Promise<{ max: number; lost: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(SPIN, { eval: true, workerData: { ms } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`spinner exited with ${code}`));
    });
  });
}

function syncLatencies(samples: number, dir: string): number[] {
  const scratch = mkdtempSync(path.join(dir, 'bench-host-'));
  const fd = openSync(path.join(scratch, 'probe'), 'w');
  const block = Buffer.alloc(4096, 0x5a);
  const ms: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      writeSync(fd, block);
      fdatasyncSync(fd);
      ms.push(performance.now() - started);
    }
  } finally {
    closeSync(fd);
    rmSync(scratch, { recursive: true, force: true });
  }
  return ms.sort((a, b) => a - b);
}

/** Spinners first (nothing else running), then the writes. */
export async function measureHostNoise(
  options: { spinMs?: number; syncs?: number; dir?: string } = {},
): Promise<HostNoise> {
  const spinMs = options.spinMs ?? 2000;
  const spinners = Math.max(1, os.availableParallelism());
  const spun = await Promise.all(Array.from({ length: spinners }, () => spin(spinMs)));
  const sorted = syncLatencies(options.syncs ?? 300, options.dir ?? os.tmpdir());
  return {
    spinners,
    spinMs,
    stallMaxMs: Math.max(...spun.map((s) => s.max)),
    stalledShare: spun.reduce((sum, s) => sum + s.lost, 0) / (spinners * spinMs),
    sync: {
      samples: sorted.length,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      maxMs: sorted.at(-1) ?? Number.NaN,
    },
  };
}

/** One sentence for the report's header. */
export function describeHostNoise(noise: HostNoise): string {
  const ms = (x: number) => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;
  return (
    `Host noise before the run: ${noise.spinners} threads spinning for ${noise.spinMs / 1000} s ` +
    `(one per core) went up to ${ms(noise.stallMaxMs)} without running and lost ` +
    `${(noise.stalledShare * 100).toFixed(1)}% of their time in stalls over ${STALL_MS} ms; ` +
    `a 4 KB write + fdatasync where servers keep their data took ${ms(noise.sync.p50Ms)} ` +
    `(p50), ${ms(noise.sync.p99Ms)} (p99), ${ms(noise.sync.maxMs)} (max) over ` +
    `${noise.sync.samples} writes.`
  );
}
