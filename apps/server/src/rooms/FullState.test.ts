import { isImmutable } from '@drawbridge/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { silentLogger } from '../logger.js';
import { FullState, type MergeUpdates } from './FullState.js';
import { BoardLoader, type ColdAnswer } from './loading/BoardLoader.js';

function board(shapes: number): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (let i = 0; i < shapes; i++) doc.getMap('shapes').set(`shape-${i}`, { x: i, text: 'hi' });
  });
  return doc;
}

/** Wires `FullState` to the doc as `BoardRoom` does: loaded, then told of every change. */
function fullStateOf(doc: Y.Doc, merge: MergeUpdates | null, onLoopBytes?: number): FullState {
  const full = new FullState(doc, merge, onLoopBytes);
  full.loaded(Y.encodeStateAsUpdate(doc));
  doc.on('update', () => full.changed());
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
    const small = fullStateOf(board(10), null);
    small.changed();
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
});
