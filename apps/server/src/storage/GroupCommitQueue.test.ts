import { describe, expect, it } from 'vitest';
import { InboundScheduler } from '../flow/InboundScheduler.js';
import { GroupCommitQueue, type QueuedAppend } from './GroupCommitQueue.js';

/** A queue over a commit that records each batch (a fake backend: seqs count up). */
function recordingQueue(marks: string[]) {
  let seq = 0;
  const batches: string[][] = [];
  const queue = new GroupCommitQueue({
    commit: async (batch: readonly QueuedAppend[]) => {
      batches.push(batch.map(({ boardId }) => boardId));
      marks.push(`commit ${batch.length}`);
      return batch.map(() => ++seq);
    },
  });
  return { queue, batches };
}

const flow = { pause: () => {}, resume: () => {} };
const bytes = new Uint8Array([1, 2, 3]);

describe('GroupCommitQueue', () => {
  it("commits what a scheduler slice appended as the slice ends, before the loop's next turn", async () => {
    const marks: string[] = [];
    const { queue, batches } = recordingQueue(marks);
    const scheduler = new InboundScheduler({ sliceMs: 1000 });
    queue.useBoundary((commit) => scheduler.defer(commit));
    const seqs: Promise<number>[] = [];
    const turnEnded = new Promise<void>((resolve) => {
      scheduler.enqueue('a', flow, () => {
        setImmediate(() => {
          marks.push('next turn');
          resolve();
        });
        seqs.push(queue.enqueue('board-a', bytes));
      });
    });
    scheduler.enqueue('b', flow, () => seqs.push(queue.enqueue('board-b', bytes)));
    scheduler.enqueue('a', flow, () => seqs.push(queue.enqueue('board-a', bytes)));
    await turnEnded;
    expect(marks).toEqual(['commit 3', 'next turn']);
    expect(batches).toEqual([['board-a', 'board-b', 'board-a']]);
    expect(await Promise.all(seqs)).toEqual([1, 2, 3]);
  });

  it("without a boundary, commits every append of the event loop's turn together", async () => {
    const marks: string[] = [];
    const { queue, batches } = recordingQueue(marks);
    const turnEnded = new Promise<void>((resolve) => setImmediate(resolve));
    const seqs = [queue.enqueue('x', bytes)];
    await Promise.resolve();
    seqs.push(queue.enqueue('y', bytes));
    process.nextTick(() => seqs.push(queue.enqueue('z', bytes)));
    await turnEnded;
    expect(await Promise.all(seqs)).toEqual([1, 2, 3]);
    expect(batches).toEqual([['x', 'y', 'z']]);
  });

  it('gathers the appends made while a commit is in flight into the next one', async () => {
    const marks: string[] = [];
    const { queue, batches } = recordingQueue(marks);
    queue.useBoundary((commit) => process.nextTick(commit));
    const first = queue.enqueue('a', bytes);
    await new Promise((resolve) => process.nextTick(resolve));
    // The first commit is in flight (its answer is a microtask away): these wait for it.
    const rest = [queue.enqueue('b', bytes), queue.enqueue('c', bytes)];
    expect(await Promise.all([first, ...rest])).toEqual([1, 2, 3]);
    expect(batches).toEqual([['a'], ['b', 'c']]);
  });
  it('tells what waits to be stored, and how long the commit in flight has run', async () => {
    /** Commits in flight, each answered by the test (a storage that does not answer by itself). */
    const commits: (() => void)[] = [];
    let began: () => void = () => {};
    const queue = new GroupCommitQueue({
      commit: (batch) =>
        new Promise((resolve) => {
          commits.push(() => resolve(batch.map((_, i) => i + 1)));
          began();
        }),
    });
    const commitBegins = () =>
      new Promise<void>((resolve) => {
        began = resolve;
      });
    expect(queue.waiting()).toEqual({ records: 0, bytes: 0, commitMs: 0 });
    const firstBegins = commitBegins();
    const first = queue.enqueue('board', bytes);
    // Queued, no commit yet.
    expect(queue.waiting()).toEqual({ records: 1, bytes: 3, commitMs: 0 });
    await firstBegins;
    const second = queue.enqueue('board', new Uint8Array(10));
    const hung = queue.waiting(performance.now() + 5000);
    expect(hung).toMatchObject({ records: 2, bytes: 13 });
    expect(hung.commitMs).toBeGreaterThanOrEqual(5000);
    const secondBegins = commitBegins();
    commits.shift()!();
    await first;
    await secondBegins;
    expect(queue.waiting()).toMatchObject({ records: 1, bytes: 10 });
    commits.shift()!();
    await second;
    expect(queue.waiting()).toEqual({ records: 0, bytes: 0, commitMs: 0 });
  });
});
