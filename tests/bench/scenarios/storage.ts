/**
 * SQLite group commit vs one commit per append, on SqliteStorage with synchronous FULL (an
 * fsync per commit). Appends issued in one event-loop turn share one transaction; awaiting each
 * append before the next gives every append a commit of its own.
 */

import { rmSync } from 'node:fs';
import { DEFAULT_MAX_RECORDS } from '../../../apps/server/src/storage/GroupCommitQueue.js';
import { SqliteStorage } from '../../../apps/server/src/storage/SqliteStorage.js';
import { createRandom } from '../../utils/random.js';
import { dbFile, tempDir } from '../../utils/server.js';
import type { Scenario } from '../lib/scenario.js';
import { median } from '../lib/stats.js';

export const STORAGE_MODES = ['concurrent', 'window', 'serial'] as const;
export type StorageMode = (typeof STORAGE_MODES)[number];

export const STORAGE_LABELS: Record<StorageMode, string> = {
  concurrent: 'group commit: all issued at once',
  window: 'groups of 64 (the relay window)',
  serial: 'one commit each: awaited one by one',
};

export interface StorageOptions {
  appends: number;
  rounds: number;
  /** The window mode issues this many appends, awaits them, and so on. */
  window: number;
  /** A mode stops early (and reports what it did) past this; slow disks fsync in ms. */
  budgetMs: number;
}

export interface StorageRun {
  round: number;
  mode: StorageMode;
  appends: number;
  elapsedMs: number;
  appendsPerSec: number;
  commits: number;
  commitMs: number;
}

export interface StorageSummary {
  mode: StorageMode;
  label: string;
  appendsPerSec: number;
  commitsPerRun: number;
  appendsPerRun: number;
}

const BOARD = 'bench-storage';
/** Appends before timing: creates the tables' pages and the WAL, so they are not measured. */
const PRIME = 16;

export async function benchStorage(
  options: StorageOptions,
  dirs: Set<string>,
): Promise<{ runs: StorageRun[]; summary: StorageSummary[] }> {
  const random = createRandom(7);
  const payloads = Array.from({ length: options.appends }, () =>
    Uint8Array.from({ length: 60 + random.int(240) }, () => random.int(256)),
  );
  const runs: StorageRun[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < STORAGE_MODES.length; k++) {
      const mode = STORAGE_MODES[(k + round) % STORAGE_MODES.length]!;
      runs.push(await runMode(mode, round, payloads, options, dirs));
    }
  }
  const summary = STORAGE_MODES.map((mode) => {
    const mine = runs.filter((r) => r.mode === mode);
    return {
      mode,
      label: STORAGE_LABELS[mode],
      appendsPerSec: median(mine.map((r) => r.appendsPerSec)),
      commitsPerRun: median(mine.map((r) => r.commits)),
      appendsPerRun: median(mine.map((r) => r.appends)),
    };
  });
  return { runs, summary };
}

async function runMode(
  mode: StorageMode,
  round: number,
  payloads: Uint8Array[],
  options: StorageOptions,
  dirs: Set<string>,
): Promise<StorageRun> {
  const dir = tempDir('drawbridge-bench-storage-');
  dirs.add(dir);
  let commits = 0;
  let records = 0;
  let commitSeconds = 0;
  const storage = new SqliteStorage({
    file: dbFile(dir),
    synchronous: 'FULL',
    onCommit: (info) => {
      commits++;
      records += info.records;
      commitSeconds += info.seconds;
    },
  });
  try {
    for (let i = 0; i < PRIME; i++) await storage.append(BOARD, payloads[i]!);
    commits = 0;
    records = 0;
    commitSeconds = 0;

    let done = 0;
    const started = performance.now();
    const overBudget = () => performance.now() - started > options.budgetMs;
    if (mode === 'concurrent') {
      await Promise.all(payloads.map((p) => storage.append(BOARD, p)));
      done = payloads.length;
    } else {
      const step = mode === 'window' ? options.window : 1;
      while (done < payloads.length && !overBudget()) {
        const batch = payloads.slice(done, done + step);
        await Promise.all(batch.map((p) => storage.append(BOARD, p)));
        done += batch.length;
      }
    }
    const elapsedMs = performance.now() - started;

    // One commit per group, and a group is at most the queue's batch cap.
    const group = mode === 'concurrent' ? done : mode === 'window' ? options.window : 1;
    const expectedCommits = Math.ceil(done / Math.min(group, DEFAULT_MAX_RECORDS));
    if (records !== done || commits !== expectedCommits) {
      throw new Error(
        `storage ${mode}: ${done} appends made ${commits} commits of ${records} records; ` +
          `expected ${expectedCommits} commits`,
      );
    }
    const stored = (await storage.stats(BOARD)).updates;
    if (stored !== PRIME + done) {
      throw new Error(`storage ${mode}: ${stored} rows stored, expected ${PRIME + done}`);
    }
    return {
      round,
      mode,
      appends: done,
      elapsedMs,
      appendsPerSec: (done / elapsedMs) * 1000,
      commits,
      commitMs: commitSeconds * 1000,
    };
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
    dirs.delete(dir);
  }
}

export const storage: Scenario = {
  name: 'storage',
  title: 'Storage: SQLite group commit',
  description:
    'SqliteStorage with synchronous FULL (one fsync per commit), in the bench process: 2,000 ' +
    'appends issued at once (one group commit), in groups of 64, and awaited one by one.',
  supports: ['drawbridge'],
  async run(ctx) {
    const dirs = new Set<string>();
    const { runs, summary } = await benchStorage(
      {
        appends: ctx.options.quick ? 500 : 2000,
        rounds: ctx.options.rounds,
        window: 64,
        budgetMs: 3000,
      },
      dirs,
    );
    return {
      metrics: summary.map((s) => ({
        name: `appends/s, ${s.label}`,
        unit: 'per-s' as const,
        better: 'higher' as const,
        values: { drawbridge: runs.filter((r) => r.mode === s.mode).map((r) => r.appendsPerSec) },
      })),
      notes: summary.map(
        (s) => `${s.label}: ${s.commitsPerRun} commits for ${s.appendsPerRun} appends`,
      ),
      runs,
    };
  },
};
