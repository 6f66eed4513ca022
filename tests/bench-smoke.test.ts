/**
 * A smoke test of the `pnpm bench` harness, in seconds: a tiny fan-out against a real Drawbridge
 * process with real client processes, its report, and the content counter's loss and duplicate
 * checks. No figures are asserted (the bench itself is `pnpm bench`, never part of `pnpm check`).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ContentCounter } from './bench/lib/content.js';
import { EDITOR_CLIENT_ID, generateEdits } from './bench/lib/edits.js';
import { markdownReport, svgChart } from './bench/lib/report.js';
import { metric } from './bench/lib/scenario.js';
import { runBroadcast } from './bench/scenarios/broadcast.js';
import { fanout } from './bench/scenarios/fanout.js';

describe('bench harness', () => {
  it('runs a tiny fan-out against a Drawbridge process, verified, and reports it', async () => {
    const run = await runBroadcast(
      'drawbridge',
      {
        boardId: 'smoke',
        readers: 3,
        warmup: 10,
        count: 40,
        mode: 'burst',
        window: 8,
        rate: 0,
        stallMs: 10_000,
      },
      2,
    );
    expect(run.results.map((r) => r.readers)).toEqual([2, 1]);
    expect(run.results[0]!.verified).toMatch(/reader 0 rebuilt the document exactly/);
    expect(run.serverCpuSeconds).toBeGreaterThanOrEqual(0);
    const runs = [{ kind: 'drawbridge' as const, round: 0, result: run }];
    const m = metric(
      'deliveries/s',
      'per-s',
      'higher',
      runs,
      (r) => (r.edits * r.readers) / r.elapsedMs,
    );
    const outcome = { scenario: fanout, result: { metrics: [m], notes: [], runs }, seconds: 1 };
    const env = {
      node: 'v',
      platform: 'p',
      cpus: 2,
      cpuModel: 'cpu',
      memoryGiB: 1,
      loadavgBefore: [0],
    };
    expect(markdownReport([outcome], env, 'pnpm bench', new Date(), 1)).toContain(
      '| deliveries/s ↑ |',
    );
    expect(svgChart([outcome], 'smoke')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  }, 60_000);

  it('counts deliveries by content and fails on a lost or duplicated update', () => {
    const edits = generateEdits(6, 1);
    const counter = new ContentCounter(edits.clocks, EDITOR_CLIENT_ID);
    const batched = counter.reader('batched');
    // A server may merge several updates into one frame.
    expect(batched.receive(Y.mergeUpdates(edits.updates.slice(0, 3)))).toBe(3);
    expect(batched.receive(edits.updates[3]!)).toBe(1);
    expect(() => batched.receive(edits.updates[3]!)).toThrow(/duplicate/);
    const lossy = counter.reader('lossy');
    lossy.receive(edits.updates[0]!);
    expect(() => lossy.receive(edits.updates[2]!)).toThrow(/lost update/);
  });
});
