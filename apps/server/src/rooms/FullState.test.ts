import { isImmutable } from '@drawbridge/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { silentLogger } from '../logger.js';
import { FullState, KEPT_UPDATES_MIN_BYTES, type MergeUpdates, QUIET_MS } from './FullState.js';
import { BoardLoader, type ColdAnswer } from './loading/BoardLoader.js';
import { nextTurn } from './testing/roomKit.js';

function board(shapes: number): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (let i = 0; i < shapes; i++) doc.getMap('shapes').set(`shape-${i}`, { x: i, text: 'hi' });
  });
  return doc;
}

/** Wires `FullState` to the doc as `BoardRoom` does: loaded, then told of every change. */
function fullStateOf(
  doc: Y.Doc,
  merge: MergeUpdates | null,
  onLoopBytes?: number,
  lackingOnLoop?: number,
): FullState {
  const full = new FullState(doc, merge, onLoopBytes, lackingOnLoop);
  full.loaded(Y.encodeStateAsUpdate(doc));
  doc.on('update', (update: Uint8Array) => full.changed(update));
  return full;
}

/** What the answer holds is what the doc holds: same state vector, same content. */
function expectWhole(answer: ColdAnswer, doc: Y.Doc): void {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, answer.update);
  expect(copy.store.pendingStructs).toBeNull();
  expect(Y.encodeStateVector(copy)).toEqual(Y.encodeStateVector(doc));
  expect(Y.encodeStateVector(copy)).toEqual(answer.stateVector);
  expect(copy.getMap('shapes').toJSON()).toEqual(doc.getMap('shapes').toJSON());
}

/** Merges in this thread, as the worker does, one call at a time released by the test. */
function heldMerge() {
  const calls: Array<{ parts: readonly Uint8Array[]; release: () => void }> = [];
  const merge: MergeUpdates = (parts) =>
    new Promise((resolve) => {
      const update = Y.mergeUpdates([...parts]);
      calls.push({
        parts,
        release: () => resolve({ update, stateVector: Y.encodeStateVectorFromUpdate(update) }),
      });
    });
  return { merge, calls };
}

describe('FullState', () => {
  const loader = new BoardLoader(silentLogger);
  afterAll(() => loader.close());

  it('keeps the encoding while the board is unchanged, and encodes a small board again here', async () => {
    const doc = board(10);
    const { merge, calls } = heldMerge();
    const full = fullStateOf(doc, merge);
    const first = await full.get();
    expect(await full.get()).toBe(first);
    doc.getMap('shapes').set('late', { x: 1 });
    const second = await full.get();
    expect(second).not.toBe(first);
    expectWhole(second, doc);
    expect(calls).toHaveLength(0);
  });

  it("brings a large board's encoding up to date in the loader's worker", async () => {
    const doc = board(2000);
    const kept = Y.encodeStateAsUpdate(doc);
    const full = fullStateOf(doc, (parts) => loader.coldAnswer(parts), 1024);
    doc.getMap('shapes').delete('shape-7');
    doc.getMap('shapes').set('late', { x: 1 });
    const answer = await full.get();
    expect(answer.update.byteLength).toBeGreaterThan(kept.byteLength / 2);
    expectWhole(answer, doc);
    expect(await full.get()).toBe(answer);
  });

  it('shares an update only among joiners that asked before the next change, and runs one at a time', async () => {
    const doc = board(200);
    const { merge, calls } = heldMerge();
    const full = fullStateOf(doc, merge, 1);
    doc.getMap('shapes').set('a', 1);
    const first = full.get();
    const sameTime = full.get();
    expect(sameTime).toBe(first);
    expect(calls).toHaveLength(1);

    doc.getMap('shapes').set('b', 2);
    const afterChange = full.get();
    const alsoAfter = full.get();
    expect(alsoAfter).toBe(afterChange);
    // Not started until the first is done: one at a time.
    expect(calls).toHaveLength(1);
    calls[0]!.release();
    const a = await first;
    const early = new Y.Doc();
    Y.applyUpdate(early, a.update);
    expect(early.getMap('shapes').get('a')).toBe(1);
    expect(early.getMap('shapes').has('b')).toBe(false);

    await expect.poll(() => calls.length).toBe(2);
    calls[1]!.release();
    expectWhole(await afterChange, doc);
    expect(calls).toHaveLength(2);
  });

  it('promises every answer never changes, so the frames of joins answered with it are shared', async () => {
    const doc = board(2000);
    const full = fullStateOf(doc, (parts) => loader.coldAnswer(parts), 1024);
    expect(isImmutable((await full.get()).update)).toBe(true); // as loaded
    doc.getMap('shapes').set('late', { x: 1 });
    expect(isImmutable((await full.get()).update)).toBe(true); // merged in the worker
    const smallDoc = board(10);
    const small = fullStateOf(smallDoc, null);
    smallDoc.getMap('shapes').set('late', { x: 1 });
    expect(isImmutable((await small.get()).update)).toBe(true); // encoded here
    const parts = [Y.encodeStateAsUpdate(board(3)), Y.encodeStateAsUpdate(board(4))];
    expect(isImmutable((await loader.coldAnswer(parts)).update)).toBe(true);
    expect(isImmutable((await loader.coldAnswer(parts.slice(0, 1))).update)).toBe(true);
  });

  it('answers from this thread when the worker fails', async () => {
    const doc = board(200);
    const full = fullStateOf(doc, () => Promise.reject(new Error('worker died')), 1);
    doc.getMap('shapes').set('late', { x: 1 });
    expectWhole(await full.get(), doc);
  });

  it('brings a board pasted into an empty one up to date from the updates since, in the worker', async () => {
    const doc = new Y.Doc();
    const { merge, calls } = heldMerge();
    const full = fullStateOf(doc, merge, 1024);
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    // A paste arrives in slices: each one a change of its own.
    for (let slice = 0; slice < 4; slice++) {
      doc.transact(() => {
        for (let i = 0; i < 10; i++)
          doc.getMap('shapes').set(`s${slice}-${i}`, { text: 'x'.repeat(40) });
      });
    }
    const answer = full.get();
    // The kept (empty) encoding and the four slices as the doc integrated them: nothing encoded here.
    expect(calls).toHaveLength(1);
    expect(calls[0]!.parts.slice(1)).toEqual(updates);
    calls[0]!.release();
    expectWhole(await answer, doc);
  });

  it('brings the updates it keeps into the encoding once they outgrow it, in a pause or past a cap', async () => {
    /** Moves a shape until the moves' updates hold more than `bytes`. */
    const edit = (doc: Y.Doc, bytes: number) => {
      let written = 0;
      const count = (update: Uint8Array) => {
        written += update.byteLength;
      };
      doc.on('update', count);
      for (let x = 0; written <= bytes; x++) doc.getMap('shapes').set('moving', { x });
      doc.off('update', count);
    };
    const pause = { timeout: QUIET_MS * 5 };
    // A large board (past `onLoopBytes`): merged in the worker, once the edits pause.
    const large = board(20);
    const { merge, calls } = heldMerge();
    const full = fullStateOf(large, merge, 256);
    edit(large, 2 * KEPT_UPDATES_MIN_BYTES);
    await nextTurn();
    expect(calls).toHaveLength(0);
    await expect.poll(() => calls.length, pause).toBe(1);
    calls[0]!.release();
    await expect.poll(() => full.keptUpdateBytes).toBe(0);
    // It took in every change: the next joiner is answered without another merge.
    expectWhole(await full.get(), large);
    expect(calls).toHaveLength(1);
    // Past the cap, at once.
    edit(large, 10 * KEPT_UPDATES_MIN_BYTES);
    await nextTurn();
    expect(calls).toHaveLength(2);
    calls[1]!.release();
    full.close();

    // A small board: encoded again here.
    const small = board(20);
    const held = heldMerge();
    const smallFull = fullStateOf(small, held.merge);
    edit(small, 4 * KEPT_UPDATES_MIN_BYTES);
    await expect.poll(() => smallFull.keptUpdateBytes, pause).toBe(0);
    expect(held.calls).toHaveLength(0);
    expectWhole(await smallFull.get(), small);
    smallFull.close();
  }, 20_000); // two real pauses of QUIET_MS, each waited for with room for a loaded host

  it('answers a joiner that lacks little with what it lacks, and one that lacks much with the whole board', async () => {
    const doc = board(300);
    const { merge, calls } = heldMerge();
    const full = fullStateOf(doc, merge, 1, 100);
    const behind = new Y.Doc();
    Y.applyUpdate(behind, Y.encodeStateAsUpdate(doc));
    const own = new Y.Doc();
    own.getMap('shapes').set('drawn offline', { x: 0 });
    for (let i = 0; i < 5; i++) doc.getMap('shapes').set(`late-${i}`, { x: i });

    const little = await full.for(Y.encodeStateVector(behind));
    expect(calls).toHaveLength(0);
    expect(little.update.byteLength).toBeLessThan(200);
    Y.applyUpdate(behind, little.update);
    expectWhole({ update: Y.encodeStateAsUpdate(behind), stateVector: little.stateVector }, doc);

    const much = full.for(Y.encodeStateVector(own));
    expect(calls).toHaveLength(1);
    calls[0]!.release();
    const whole = await much;
    expect(whole.update).toBe((await full.get()).update);
    Y.applyUpdate(own, whole.update);
    expect(own.getMap('shapes').size).toBe(doc.getMap('shapes').size + 1);
    expect(full.wantsWhole(new Uint8Array([0]))).toBe(true);
  });
});
