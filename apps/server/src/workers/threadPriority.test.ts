import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { silentLogger } from '../logger.js';
import { BoardLoader } from '../rooms/loading/BoardLoader.js';
import { PostgresWorker } from '../storage/postgres/PostgresWorker.js';
import { SnapshotBuilder } from '../storage/SnapshotBuilder.js';
import { SqliteStorage } from '../storage/SqliteStorage.js';
import { RpcWorker } from './RpcWorker.js';
import { BACKGROUND_NICENESS, currentThreadId, threadNiceness } from './threadPriority.js';

const linux = process.platform === 'linux';

/** Ids of this process's threads at `niceness` (default: the background's). */
function backgroundThreads(niceness = BACKGROUND_NICENESS): number[] {
  return readdirSync(`/proc/${process.pid}/task`)
    .map(Number)
    .filter((tid) => threadNiceness(process.pid, tid) === niceness);
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

describe.runIf(linux)('background worker threads', () => {
  it('knows the calling thread: the main thread is the process', () => {
    expect(currentThreadId()).toBe(process.pid);
  });

  it('the snapshot worker runs niced, the rest of the process does not', async () => {
    const before = backgroundThreads();
    const builder = new SnapshotBuilder(() => {});
    stops.push(() => builder.close());
    const doc = new Y.Doc();
    doc.getMap('shapes').set('a', 1);
    // A real build: the worker is up and has run its start-up code.
    const snapshot = await builder.build([Y.encodeStateAsUpdate(doc)]);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, snapshot!);
    expect(copy.getMap('shapes').get('a')).toBe(1);

    const niced = backgroundThreads().filter((tid) => !before.includes(tid));
    expect(niced).toHaveLength(1);
    expect(threadNiceness(process.pid, process.pid)).toBe(0);
  });

  it('the board loader runs niced', async () => {
    const before = backgroundThreads();
    const loader = new BoardLoader(silentLogger);
    stops.push(() => loader.close());
    const doc = new Y.Doc();
    doc.getMap('shapes').set('a', 1);
    const sliced = await loader.slice([Y.encodeStateAsUpdate(doc)]);
    expect(sliced.skipped).toBe(0);
    const niced = backgroundThreads().filter((tid) => !before.includes(tid));
    expect(niced).toHaveLength(1);
    expect(threadNiceness(process.pid, process.pid)).toBe(0);
  });

  it("PostgreSQL's compactor runs niced, its reader (a joiner waits on it) does not", async () => {
    const start = (role: 'compactor' | 'reader') => {
      const worker = new PostgresWorker(
        {
          role,
          // Nothing listens there: a call fails once the worker is up and has tried to connect.
          connectionString: 'postgresql://postgres@127.0.0.1:1/none',
          connectTimeoutMs: 1000,
          queryTimeoutMs: 1000,
          poolSize: 1,
        },
        () => {},
      );
      stops.push(() => worker.close().catch(() => undefined));
      return worker;
    };
    const before = backgroundThreads();
    await expect(start('compactor').compact('b', 2)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    const niced = backgroundThreads().filter((tid) => !before.includes(tid));
    expect(niced).toHaveLength(1);

    await expect(start('reader').read('b', 0)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(backgroundThreads().filter((tid) => !before.includes(tid))).toEqual(niced);
    expect(threadNiceness(process.pid, process.pid)).toBe(0);
  });

  it('the preview worker runs niced', async () => {
    const before = backgroundThreads();
    const worker = new RpcWorker({
      callerUrl: new URL('../previews/PreviewRenderer.ts', import.meta.url).href,
      sourcePath: './renderWorker.ts',
      bundledName: 'preview-worker.js',
      name: 'preview-test',
    });
    stops.push(() => worker.terminate());
    // An unknown method still round-trips through the worker once it is up.
    await expect(worker.call('no-such-method', [])).rejects.toThrow(/unknown method/);
    const niced = backgroundThreads().filter((tid) => !before.includes(tid));
    expect(niced).toHaveLength(1);
    expect(threadNiceness(process.pid, process.pid)).toBe(0);
  });

  it("SQLite's commit thread and its reader run at the event loop's priority", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drawbridge-nice-'));
    const threads = () => readdirSync(`/proc/${process.pid}/task`).map(Number);
    const before = threads();
    const storage = new SqliteStorage({ file: path.join(dir, 'nice.sqlite') });
    stops.push(async () => {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    });
    // A commit and a read: both workers are up and have run their start-up code.
    expect(await storage.append('b', new Uint8Array([0, 0]))).toBe(1);
    expect((await storage.load('b')).updates).toHaveLength(1);
    const started = threads().filter((tid) => !before.includes(tid));
    expect(started.length).toBeGreaterThanOrEqual(2);
    expect(started.map((tid) => threadNiceness(process.pid, tid))).toEqual(started.map(() => 0));
  });
});
