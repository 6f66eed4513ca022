import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { expectConverged } from '../../testing/convergence.js';
import { sliceDocument, sliceUpdate } from './sliceDocument.js';

/** A board with nested maps, text typed by two interleaving clients, deletions and GC. */
function busyDoc(): Y.Doc {
  const a = new Y.Doc();
  const b = new Y.Doc();
  const sync = () => {
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
  };
  for (let i = 0; i < 300; i++) {
    const doc = i % 2 ? a : b;
    const shape = new Y.Map<unknown>();
    shape.set('x', i);
    shape.set('label', new Y.Text(`s${i}`));
    doc.getMap('shapes').set(`s${i}`, shape);
    doc.getText('text').insert(doc.getText('text').length >> 1, `${i},`);
    if (i % 7 === 0) doc.getMap('shapes').delete(`s${i - 3}`);
    if (i % 5 === 0) doc.getText('text').delete(0, 2);
    if (i % 3 === 0) sync();
  }
  sync();
  return a;
}

describe('sliceDocument', () => {
  it('slices a document into updates that apply in order with nothing pending', () => {
    const doc = busyDoc();
    const slices = sliceDocument(doc, 50);
    expect(slices.length).toBeGreaterThan(10);
    const rebuilt = new Y.Doc();
    for (const slice of slices) {
      Y.applyUpdate(rebuilt, slice);
      expect(rebuilt.store.pendingStructs).toBeNull();
    }
    for (const d of [doc, rebuilt]) {
      d.getMap('shapes');
      d.getText('text');
    }
    expectConverged([doc, rebuilt]);
    expect(Y.encodeStateAsUpdate(rebuilt)).toEqual(Y.encodeStateAsUpdate(doc));
  });

  it('gives one struct slice and the delete set for a small document', () => {
    const doc = new Y.Doc();
    doc.getMap('m').set('k', 1);
    expect(sliceDocument(doc, 1000)).toHaveLength(2);
    expect(sliceDocument(new Y.Doc(), 1000)).toHaveLength(1);
  });

  it('slices one update, built on content it does not carry, into updates that apply in order', () => {
    const base = busyDoc();
    const editor = new Y.Doc();
    Y.applyUpdate(editor, Y.encodeStateAsUpdate(base));
    let update: Uint8Array | null = null;
    editor.on('update', (u: Uint8Array) => {
      update = u;
    });
    // One transaction: new shapes, existing ones replaced and deleted, typing into existing text.
    editor.transact(() => {
      const shapes = editor.getMap('shapes');
      for (let i = 0; i < 400; i++) {
        const shape = new Y.Map<unknown>();
        shape.set('x', i);
        shape.set('label', new Y.Text(`new ${i}`));
        shapes.set(i % 3 === 0 ? `s${i % 300}` : `n${i}`, shape);
      }
      for (let i = 1; i < 300; i += 11) shapes.delete(`s${i}`);
      const text = editor.getText('text');
      for (let i = 0; i < 50; i++) text.insert((i * 7) % text.length, `[${i}]`);
      text.delete(3, 20);
    });
    const slices = sliceUpdate(update!, 50);
    expect(slices).not.toBeNull();
    expect(slices!.length).toBeGreaterThan(20);
    const target = new Y.Doc();
    Y.applyUpdate(target, Y.encodeStateAsUpdate(base));
    for (const slice of slices!) {
      Y.applyUpdate(target, slice);
      expect(target.store.pendingStructs).toBeNull();
      expect(target.store.pendingDs).toBeNull();
    }
    for (const d of [editor, target]) {
      d.getMap('shapes');
      d.getText('text');
    }
    expectConverged([editor, target]);
  });

  it('declines an update with gaps (a merge), which slices cannot keep apart', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 3; i++) doc.getMap('m').set(`k${i}`, i);
    expect(sliceUpdate(Y.mergeUpdates([updates[0]!, updates[2]!]), 50)).toBeNull();
  });
});
