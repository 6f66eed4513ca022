import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { expectConverged } from '../../testing/convergence.js';
import { updateOf } from '../../testing/updates.js';
import { deleteSetUpdate, sliceDocument, sliceUpdate } from './sliceDocument.js';

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
    // One transaction: new shapes, existing ones replaced and deleted, typing into existing text.
    const update = updateOf(editor, () => {
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
    const slices = sliceUpdate(update, 50);
    expect(slices).not.toBeNull();
    expect(slices!.length).toBeGreaterThan(20);
    // The last slice is the update's delete set, as Yjs itself would write it.
    const deletes = Y.diffUpdate(update, Y.encodeStateVectorFromUpdate(update));
    expect(Y.decodeUpdate(deletes).ds.clients.size).toBeGreaterThan(0);
    expect(slices!.at(-1)).toEqual(deletes);
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

  it("cuts a paste by a client with earlier edits: its last slice carries the paste's deletions only", () => {
    const editor = new Y.Doc();
    const shapes = editor.getMap('shapes');
    for (let i = 0; i < 10; i++) shapes.set(`early${i}`, i);
    const before = Y.encodeStateAsUpdate(editor);
    const update = updateOf(editor, () => {
      for (let i = 0; i < 1000; i++) shapes.set(`s${i}`, { x: i });
      shapes.delete('early3');
    });
    const slices = sliceUpdate(update, 50)!;
    // Its structs start past the client's earlier ones: the last slice must not carry them again.
    const last = Y.decodeUpdate(slices.at(-1)!);
    expect(last.structs).toHaveLength(0);
    expect(last.ds).toEqual(Y.decodeUpdate(update).ds);
    const structs = slices.slice(0, -1).map((slice) => Y.decodeUpdate(slice).structs.length);
    expect(structs.reduce((sum, n) => sum + n, 0)).toBe(Y.decodeUpdate(update).structs.length);
    const target = new Y.Doc();
    Y.applyUpdate(target, before);
    for (const slice of slices) Y.applyUpdate(target, slice);
    target.getMap('shapes');
    expectConverged([editor, target]);
  });

  it('declines an update with gaps (a merge), which slices cannot keep apart', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 3; i++) doc.getMap('m').set(`k${i}`, i);
    expect(sliceUpdate(Y.mergeUpdates([updates[0]!, updates[2]!]), 50)).toBeNull();
  });

  it('writes an update of no structs and a delete set as Yjs does', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    for (const client of [3, 900_000, 41]) {
      doc.clientID = client;
      doc.transact(() => {
        const text = doc.getText('t');
        text.insert(0, 'abcdefghij');
        text.delete(2, 3);
        text.delete(5, 1);
      });
    }
    doc.getMap('m').set('gone', 1);
    doc.getMap('m').delete('gone');
    // Diffed against a state that holds every struct: what Yjs writes for the deletions alone.
    const everything = Y.encodeStateVector(doc);
    for (const update of [...updates, Y.mergeUpdates(updates), Y.encodeStateAsUpdate(doc)]) {
      const expected = Y.diffUpdate(update, everything);
      expect(Y.decodeUpdate(expected).structs).toHaveLength(0);
      expect(deleteSetUpdate(Y.decodeUpdate(update).ds)).toEqual(expected);
    }
    expect(deleteSetUpdate(Y.decodeUpdate(Y.encodeStateAsUpdate(new Y.Doc())).ds)).toEqual(
      new Uint8Array([0, 0]),
    );
  });
});
