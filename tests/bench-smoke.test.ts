/**
 * A smoke test of the `pnpm bench` harness, in seconds: a tiny fan-out against a real Drawbridge
 * process with real client processes, its report, and the content counter's loss and duplicate
 * checks. No figures are asserted (the bench itself is `pnpm bench`, never part of `pnpm check`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { connect } from './bench/lib/conn.js';
import { ContentCounter } from './bench/lib/content.js';
import { EDITOR_CLIENT_ID, generateEdits } from './bench/lib/edits.js';
import { measureHostNoise } from './bench/lib/hostNoise.js';
import {
  machineCpuDelta,
  machineShares,
  parseProcStat,
  readMachineCpu,
} from './bench/lib/machineCpu.js';
import { oneWayLatencies } from './bench/lib/oneWay.js';
import { markdownReport, svgChart } from './bench/lib/report.js';
import { metric, now } from './bench/lib/scenario.js';
import { startServer } from './bench/lib/servers.js';
import { runBroadcast } from './bench/scenarios/broadcast.js';
import { fanout } from './bench/scenarios/fanout.js';
import { scrapeMetric } from './utils/metrics.js';

const REPORT_ENV = {
  node: 'v',
  platform: 'p',
  cpus: 2,
  cpuModel: 'cpu',
  memoryGiB: 1,
  loadavgBefore: [0],
};

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
    // Without a window (every edit sent at once), each edit still arrives exactly once.
    const open = await runBroadcast(
      'drawbridge',
      {
        boardId: 'smoke-open',
        readers: 3,
        warmup: 10,
        count: 40,
        mode: 'burst',
        window: null,
        rate: 0,
        stallMs: 10_000,
      },
      2,
    );
    expect(open.results.map((r) => r.verified)).toEqual([
      '2 readers x 50 edits, contiguous; reader 0 rebuilt the document exactly',
      '1 readers x 50 edits, contiguous',
    ]);
    const runs = [{ kind: 'drawbridge' as const, round: 0, result: run }];
    const m = metric(
      'deliveries/s',
      'per-s',
      'higher',
      runs,
      (r) => (r.edits * r.readers) / r.elapsedMs,
    );
    const outcome = { scenario: fanout, result: { metrics: [m], notes: [], runs }, seconds: 1 };
    expect(markdownReport([outcome], REPORT_ENV, 'pnpm bench', new Date(), 1)).toContain(
      '| deliveries/s ↑ |',
    );
    expect(svgChart([outcome], 'smoke')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  }, 60_000);

  it('its own Socket.IO client and socket.io-client share a board on a Drawbridge process', async () => {
    const server = await startServer('drawbridge');
    const saved = process.env.BENCH_SOCKETIO_CLIENT;
    try {
      const docs = { wire: new Y.Doc(), library: new Y.Doc() };
      const failures: Record<string, string[]> = { wire: [], library: [] };
      const conns = {} as Record<'wire' | 'library', Awaited<ReturnType<typeof connect>>>;
      for (const key of ['wire', 'library'] as const) {
        process.env.BENCH_SOCKETIO_CLIENT = key;
        conns[key] = await connect('drawbridge', server, 'wire-smoke', {
          update: (u) => Y.applyUpdate(docs[key], u),
          fail: (reason) => failures[key]!.push(reason),
        });
      }
      // Each writes through its own client; each update is acked and reaches the other (a
      // writer is not sent its own update back).
      const edit = (key: 'wire' | 'library') => {
        const doc = docs[key];
        const before = Y.encodeStateVector(doc);
        doc.getMap('shapes').set(key, key.length);
        return Y.encodeStateAsUpdate(doc, before);
      };
      expect(await conns.wire.request(edit('wire'))).toBeUndefined();
      expect(await conns.library.request(edit('library'))).toBeUndefined();
      await vi.waitFor(() => {
        for (const doc of Object.values(docs))
          expect(doc.getMap('shapes').toJSON()).toEqual({ wire: 4, library: 7 });
      });
      // A refused update gets its error through the ack.
      expect(await conns.wire.request(new Uint8Array([1, 2, 3]))).toMatch(/^INVALID_UPDATE: /);
      // The server going away is a failure to both, not a silent stall.
      await server.destroy();
      await vi.waitFor(() => {
        expect(failures.wire).toEqual([expect.stringMatching(/^disconnected/)]);
        expect(failures.library).toEqual([expect.stringMatching(/^disconnected/)]);
      });
    } finally {
      if (saved === undefined) delete process.env.BENCH_SOCKETIO_CLIENT;
      else process.env.BENCH_SOCKETIO_CLIENT = saved;
      await server.destroy();
    }
  }, 60_000);

  it('rejoins as BoardProvider does: sends what the server lacks, nothing when it lacks nothing', async () => {
    const server = await startServer('drawbridge');
    try {
      const fail = (reason: string) => {
        throw new Error(reason);
      };
      const updatesIn = () =>
        scrapeMetric(server.url, 'drawbridge_updates_in_total{event="doc:update"}', 0);
      const edit = (doc: Y.Doc, key: string) => {
        const before = Y.encodeStateVector(doc);
        doc.getMap('shapes').set(key, 1);
        return Y.encodeStateAsUpdate(doc, before);
      };
      // Made offline: a shape, and a deletion (which a state vector does not show).
      const doc = new Y.Doc();
      doc.getMap('shapes').set('offline', 1);
      doc.getText('text').insert(0, 'abc');
      doc.getText('text').delete(0, 1);
      const first = await connect('drawbridge', server, 'rejoin', { fail }, { doc });
      // Acked in order: the join's diff went before this.
      expect(await first.request(edit(doc, 'after'))).toBeUndefined();
      first.close();
      const reader = await connect('drawbridge', server, 'rejoin', { fail });
      const seen = new Y.Doc();
      Y.applyUpdate(seen, reader.initial!);
      reader.close();
      expect(seen.getMap('shapes').toJSON()).toEqual({ offline: 1, after: 1 });
      expect(seen.getText('text').toString()).toBe('bc');

      // Nothing new, deletions included: the rejoin sends nothing; only the edit after it counts.
      const before = await updatesIn();
      const again = await connect('drawbridge', server, 'rejoin', { fail }, { doc });
      expect(await again.request(edit(doc, 'later'))).toBeUndefined();
      again.close();
      expect(await updatesIn()).toBe(before + 1);
    } finally {
      await server.destroy();
    }
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

  it("reads the host's noise: stalls of spinning threads, durable writes in the data directory", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'host-noise-test-'));
    try {
      const started = performance.now();
      const noise = await measureHostNoise({ spinMs: 200, syncs: 20, dir });
      const elapsedMs = performance.now() - started;
      expect(noise.spinners).toBe(os.availableParallelism());
      expect(noise.spinMs).toBe(200);
      expect(noise.stallMaxMs).toBeGreaterThan(0);
      // A stall is a gap inside the measurement: never longer than it (on a busy host it may
      // be most of it, so no tighter bound).
      expect(noise.stallMaxMs).toBeLessThanOrEqual(elapsedMs);
      expect(noise.stalledShare).toBeGreaterThanOrEqual(0);
      expect(noise.stalledShare).toBeLessThan(1);
      const { samples, p50Ms, p99Ms, maxMs } = noise.sync;
      expect(samples).toBe(20);
      expect(p50Ms).toBeGreaterThan(0);
      expect(p50Ms).toBeLessThanOrEqual(p99Ms);
      expect(p99Ms).toBeLessThanOrEqual(maxMs);
      // Its scratch file is gone.
      expect(readdirSync(dir)).toEqual([]);
      const env = { ...REPORT_ENV, hostNoise: noise };
      expect(markdownReport([], env, 'pnpm bench', new Date(), 1)).toContain(
        `${noise.spinners} threads spinning for 0.2 s (one per core) went up to `,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("reads the machine's CPU from /proc/stat: busy, idle and steal, and the share a phase kept busy", () => {
    // user nice system idle iowait irq softirq steal guest guest_nice, in 1/100 s.
    const before = parseProcStat(
      'cpu  1000 50 300 8000 100 0 50 20 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n',
    );
    expect(before).toEqual({ busy: 14, idle: 81, steal: 0.2 });
    const after = parseProcStat('cpu  1300 50 400 8100 100 0 100 20 0 0\n');
    const delta = machineCpuDelta(before, after);
    expect(delta.busy).toBeCloseTo(4.5);
    expect(delta.idle).toBeCloseTo(1);
    expect(delta.steal).toBeCloseTo(0);
    expect(machineShares(delta).busy).toBeCloseTo(4.5 / 5.5);
    expect(machineShares({ busy: 1, idle: 2, steal: 1 })).toEqual({ busy: 0.25, steal: 0.25 });
    expect(machineShares({ busy: 0, idle: 0, steal: 0 })).toEqual({ busy: 0, steal: 0 });
    expect(() => parseProcStat('cpu0 1 2 3 4 5 6 7 8\n')).toThrow(/total line/);
    expect(() => parseProcStat('cpu  1 2 x 4 5 6 7 8\n')).toThrow(/bad figures/);
    // This machine's own reading (Linux): cumulative, so it never goes back.
    const first = readMachineCpu();
    if (process.platform === 'linux') {
      expect(first).not.toBeNull();
      const second = readMachineCpu()!;
      expect(second.busy + second.idle).toBeGreaterThanOrEqual(first!.busy + first!.idle);
    }
  });

  it('times sends and deliveries on one clock across processes, and refuses a negative latency', () => {
    // Another process's reading falls between two of this one's, as on one shared clock.
    const before = now();
    const script = `console.log(Number(process.hrtime.bigint()) / 1e6)`;
    const theirs = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    const after = now();
    expect(theirs).toBeGreaterThanOrEqual(before);
    expect(theirs).toBeLessThanOrEqual(after);

    // Two readers over three edits, reader after reader.
    expect(oneWayLatencies([10, 12, 14], [11, 13.5, 14.25, 10.5, 12, 15])).toEqual([
      1, 1.5, 0.25, 0.5, 0, 1,
    ]);
    expect(() => oneWayLatencies([10, 12], [11, 11.5])).toThrow(/0\.500 ms before its send/);
  });
});
