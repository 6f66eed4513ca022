import { scanUpdate } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bringsNothingNew } from './redundantUpdate.js';

/** A doc with shapes set, overwritten (deleting the old values) and removed, by two clients. */
function board(): { a: Y.Doc; b: Y.Doc } {
  const a = new Y.Doc();
  a.clientID = 1;
  const b = new Y.Doc();
  b.clientID = 2;
  const shapes = a.getMap('shapes');
  for (let i = 0; i < 20; i++) shapes.set(`s${i}`, { x: i });
  for (let i = 0; i < 10; i++) shapes.set(`s${i}`, { x: -i }); // deletes the first values
  shapes.delete('s19');
  a.getText('note').insert(0, 'hello world');
  a.getText('note').delete(2, 5);
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  b.getMap('shapes').set('t', 1);
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
  return { a, b };
}

/** Would applying `update` change `doc`? The ground truth: apply it to a copy and compare. */
function changes(doc: Y.Doc, update: Uint8Array): boolean {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  const state = Array.from(Y.encodeStateVector(copy));
  const deletes = Y.createDeleteSetFromStructStore(copy.store);
  Y.applyUpdate(copy, update);
  return (
    JSON.stringify(Array.from(Y.encodeStateVector(copy))) !== JSON.stringify(state) ||
    !Y.equalDeleteSets(deletes, Y.createDeleteSetFromStructStore(copy.store))
  );
}

describe('bringsNothingNew', () => {
  it('a whole state or a rejoin diff the document already has: nothing new', () => {
    const { a, b } = board();
    expect(bringsNothingNew(scanUpdate(Y.encodeStateAsUpdate(b)), a)).toBe(true);
    // What a rejoining client sends: the diff against the server's state vector (its delete set).
    const diff = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
    expect(scanUpdate(diff).deletes.length).toBeGreaterThan(0);
    expect(bringsNothingNew(scanUpdate(diff), a)).toBe(true);
  });

  it('a new struct is news', () => {
    const { a, b } = board();
    b.getMap('shapes').set('new', 1);
    expect(bringsNothingNew(scanUpdate(Y.encodeStateAsUpdate(b)), a)).toBe(false);
  });

  it('a new deletion of content the document has is news, even with no new struct', () => {
    const { a, b } = board();
    const before = Y.encodeStateVector(b);
    b.getText('note').delete(0, 1);
    const update = Y.encodeStateAsUpdate(b, before);
    const scan = scanUpdate(update);
    expect(scan.structs).toHaveLength(0);
    expect(bringsNothingNew(scan, a)).toBe(false);
    // A deletion that covers deleted and live content alike is news too.
    b.getText('note').delete(0, 3);
    expect(bringsNothingNew(scanUpdate(Y.encodeStateAsUpdate(b)), a)).toBe(false);
  });

  it('a deletion of content the document lacks is news', () => {
    const { a } = board();
    const c = new Y.Doc();
    c.clientID = 3;
    c.getText('note').insert(0, 'abc');
    const lacking = Y.encodeStateAsUpdate(c);
    c.getText('note').delete(0, 2);
    const update = Y.encodeStateAsUpdate(c, Y.encodeStateVectorFromUpdate(lacking));
    expect(bringsNothingNew(scanUpdate(update), a)).toBe(false);
  });

  it('agrees with applying the update, over random edits', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 40; round++) {
      const { a, b } = board();
      const text = b.getText('note');
      const shapes = b.getMap('shapes');
      const before = Y.encodeStateVector(b);
      for (let k = Math.floor(random() * 3); k > 0; k--) {
        const op = random();
        if (op < 0.3 && text.length > 0) text.delete(Math.floor(random() * text.length), 1);
        else if (op < 0.5) shapes.delete(`s${Math.floor(random() * 20)}`);
        else if (op < 0.6) shapes.set(`n${round}`, round);
      }
      const update = Y.encodeStateAsUpdate(b, before);
      expect(bringsNothingNew(scanUpdate(update), a)).toBe(!changes(a, update));
    }
  });
});
