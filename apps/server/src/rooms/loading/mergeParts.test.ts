import { scanUpdate } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { expectConverged } from '../../testing/convergence.js';
import { updateOf } from '../../testing/updates.js';
import { concatUpdates } from '../concatUpdates.js';
import { mergeParts } from './mergeParts.js';

/** A doc holding `update` alone. */
const docOf = (update: Uint8Array) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
};

/** Converged, each doc's roots read as the board's types (roots are typed when first read). */
const expectSame = (docs: Y.Doc[]) => {
  for (const doc of docs) {
    doc.getMap('shapes');
    doc.getText('notes');
  }
  expectConverged(docs);
};

/**
 * A board's history as a server keeps it: the encoding of its start, then each change its doc
 * integrated, in order; two editors drawing, moving and deleting shapes, their changes
 * interleaved, and a text typed into.
 */
function history(): { editors: Y.Doc[]; parts: Uint8Array[] } {
  const board = new Y.Doc();
  board.getMap('shapes').set('first', { x: 0 });
  const parts = [Y.encodeStateAsUpdate(board)];
  board.on('update', (update: Uint8Array) => parts.push(update));
  const editors = [1, 2].map((id) => {
    const editor = new Y.Doc();
    editor.clientID = 100 + id;
    Y.applyUpdate(editor, parts[0]!);
    return editor;
  });
  for (let i = 0; i < 60; i++) {
    const editor = editors[i % 2]!;
    const change = updateOf(editor, () => {
      const shapes = editor.getMap('shapes');
      if (i % 7 === 3 && shapes.has(`s${i - 3}`)) shapes.delete(`s${i - 3}`);
      else if (i % 5 === 4) shapes.set(`s${i - 4}`, { x: i, moved: true });
      else shapes.set(`s${i}`, { x: i, label: `shape ${i}` });
      if (i % 3 === 0) editor.getText('notes').insert(0, `${i} `);
    });
    Y.applyUpdate(board, change);
    Y.applyUpdate(editors[(i + 1) % 2]!, change);
  }
  return { editors: [board, ...editors], parts };
}

describe('mergeParts', () => {
  it('lays a board and the changes it integrated since end to end: the same board', () => {
    const { editors, parts } = history();
    const { update: merged, stateVector } = mergeParts(parts);
    // Laid end to end, not merged by Yjs.
    const scanned = parts.map((update) => ({ update, scan: scanUpdate(update) }));
    expect(merged).toEqual(concatUpdates(scanned));
    expect(stateVector).toEqual(Y.encodeStateVectorFromUpdate(merged));
    expectSame([...editors, docOf(merged), docOf(Y.mergeUpdates(parts))]);
  });

  it('leaves out of the state vector a client whose structs do not start at clock 0, as Yjs does', () => {
    const { parts } = history();
    // Without the board's start (its first client) nor the editors' first changes.
    const later = parts.slice(3);
    const { update, stateVector } = mergeParts(later);
    expect(update).toEqual(
      concatUpdates(later.map((part) => ({ update: part, scan: scanUpdate(part) }))),
    );
    expect(Y.decodeStateVector(stateVector).size).toBe(0);
    expect(stateVector).toEqual(Y.encodeStateVectorFromUpdate(update));
    // The second editor's first change is kept: it alone counts.
    const withSecond = mergeParts(parts.slice(2));
    expect([...Y.decodeStateVector(withSecond.stateVector).keys()]).toEqual([102]);
    expect(withSecond.stateVector).toEqual(Y.encodeStateVectorFromUpdate(withSecond.update));
  });

  it('leaves parts that overlap or skip to Yjs', () => {
    const { editors, parts } = history();
    // The same change twice, and an editor's change before the one it follows on (parts 1 and 3
    // are the first editor's first two).
    const overlapping = [...parts.slice(0, 20), parts[10]!, ...parts.slice(20)];
    const outOfOrder = [parts[0]!, parts[3]!, parts[2]!, parts[1]!, ...parts.slice(4)];
    for (const case_ of [overlapping, outOfOrder]) {
      const { update: merged, stateVector } = mergeParts(case_);
      expect(merged).toEqual(Y.mergeUpdates(case_));
      expect(stateVector).toEqual(Y.encodeStateVectorFromUpdate(merged));
      expectSame([...editors, docOf(merged)]);
    }
    // A gap (the first editor's first and third changes): Yjs merges it with a skip, which does
    // not scan; merged again by Yjs too.
    const skipping = Y.mergeUpdates([parts[0]!, parts[1]!, parts[5]!]);
    expect(() => scanUpdate(skipping)).toThrow();
    const rest = [skipping, parts[2]!, parts[3]!, parts[4]!, ...parts.slice(6)];
    expect(mergeParts(rest).update).toEqual(Y.mergeUpdates(rest));
  });
});
