import { scanUpdate } from '@drawbridge/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { silentLogger } from '../../logger.js';
import { expectConverged } from '../../testing/convergence.js';
import { updateOf } from '../../testing/updates.js';
import { continuesExactly } from '../redundantUpdate.js';
import { BoardLoader } from './BoardLoader.js';

describe('BoardLoader', () => {
  const loader = new BoardLoader(silentLogger);
  afterAll(() => loader.close());

  it("slices a large update with each slice's scan, so each goes in as it came", async () => {
    const base = new Y.Doc();
    base.getMap('shapes').set('kept', { x: 0 });
    const editor = new Y.Doc();
    Y.applyUpdate(editor, Y.encodeStateAsUpdate(base));
    const update = updateOf(editor, () => {
      for (let i = 0; i < 3000; i++) {
        editor.getMap('shapes').set(`s${i}`, { x: i, label: `shape ${i} `.repeat(4) });
      }
      editor.getMap('shapes').delete('kept');
    });
    const sliced = await loader.sliceUpdate(update);
    if (!('scan' in sliced) || !sliced.slices) throw new Error('not sliced');
    expect(sliced.slices.length).toBeGreaterThan(3);
    const target = new Y.Doc();
    Y.applyUpdate(target, Y.encodeStateAsUpdate(base));
    for (const { update: slice, scan } of sliced.slices) {
      const own = scanUpdate(slice);
      // Where each client's structs are, and the deletions: what applying and relaying use.
      expect(scan).toEqual({ ...own, dependencies: [] });
      // In order, each continues the document exactly: applied whole, without Yjs encoding it again.
      expect(continuesExactly(scan, target.store)).toBe(true);
      Y.applyUpdate(target, slice);
    }
    for (const doc of [editor, target]) doc.getMap('shapes');
    expectConverged([editor, target]);
  });

  /** A message's bytes as a connection hands them over: a view past a small header. */
  function asReceived(update: Uint8Array): Uint8Array {
    const frame = new Uint8Array(update.byteLength + 40);
    frame.set(update, 40);
    return frame.subarray(40);
  }

  function shapesUpdate(count: number): Uint8Array {
    const doc = new Y.Doc();
    return updateOf(doc, () => {
      for (let i = 0; i < count; i++) doc.getMap('shapes').set(`s${i}`, { x: i });
    });
  }

  it('moves a given-up update to the worker instead of copying it, and keeps one it was lent', async () => {
    const update = shapesUpdate(3000);
    const moved = asReceived(update);
    const sliced = await loader.sliceUpdate(moved, { move: true });
    if (!('slices' in sliced) || !sliced.slices) throw new Error('not sliced');
    // Moved: the buffer went to the worker, so nothing is left of it here.
    expect(moved.byteLength).toBe(0);
    const target = new Y.Doc();
    for (const slice of sliced.slices) Y.applyUpdate(target, slice.update);
    expect(target.getMap('shapes').size).toBe(3000);

    const lent = asReceived(update);
    const again = await loader.sliceUpdate(lent);
    expect('slices' in again && again.slices?.length).toBeGreaterThan(1);
    expect(lent).toEqual(update);
  });
});
