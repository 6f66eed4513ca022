import { scanUpdate } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRandom } from '../../../../../tests/utils/random.js';
import { expectConverged } from '../../testing/convergence.js';
import { updateOf } from '../../testing/updates.js';
import { concatUpdates } from '../concatUpdates.js';
import { mergeParts, storedAnswer } from './mergeParts.js';

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

/**
 * A random board's history as a server keeps it (see `history`): three editors making random
 * changes (shapes set, replaced with nested maps, deleted; text typed and cut; a list pushed to
 * and trimmed), each reaching the other editors after a random delay, so changes are concurrent
 * and many build on others' structs. Every change reaches the board at once, in each editor's
 * order. Seeded: a failure replays.
 */
function randomHistory(seed: number): { board: Y.Doc; parts: Uint8Array[] } {
  const random = createRandom(seed);
  const board = new Y.Doc();
  const parts: Uint8Array[] = [];
  board.on('update', (update: Uint8Array) => parts.push(update));
  const editors = [0, 1, 2].map((i) => {
    const editor = new Y.Doc();
    editor.clientID = 1000 + seed * 10 + i;
    return editor;
  });
  /** Changes on their way to each editor, oldest first. */
  const inbound: Uint8Array[][] = editors.map(() => []);
  const deliverSome = (to: number) => {
    const queue = inbound[to]!;
    const count = random.int(queue.length + 1);
    for (const update of queue.splice(0, count)) Y.applyUpdate(editors[to]!, update);
  };
  for (let step = 0; step < 150; step++) {
    const at = random.int(editors.length);
    deliverSome(at);
    const editor = editors[at]!;
    const change = updateOf(editor, () => {
      const shapes = editor.getMap('shapes');
      const text = editor.getText('notes');
      const list = editor.getArray<number>('order');
      const roll = random.next();
      const key = `s${random.int(20)}`;
      if (roll < 0.35) shapes.set(key, { x: random.int(1000), points: [random.next(), step] });
      else if (roll < 0.45) {
        const nested = new Y.Map<unknown>();
        nested.set('label', `shape ${step}`);
        shapes.set(key, nested);
      } else if (roll < 0.55 && shapes.size > 0) shapes.delete([...shapes.keys()][0]!);
      else if (roll < 0.75) text.insert(random.int(text.length + 1), `${step} `);
      else if (roll < 0.85 && text.length > 2) text.delete(random.int(text.length - 1), 2);
      else if (roll < 0.95 || list.length === 0) list.push([step]);
      else list.delete(0, Math.min(list.length, 1 + random.int(3)));
    });
    Y.applyUpdate(board, change);
    inbound.forEach((queue, to) => {
      if (to !== at) queue.push(change);
    });
  }
  return { board, parts };
}

describe('mergeParts', () => {
  it('merges random histories, whole or from a kept encoding on, into the same board (seeded)', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const { board, parts } = randomHistory(seed);
      const whole = mergeParts(parts);
      expect(whole.stateVector, `seed ${seed}`).toEqual(
        Y.encodeStateVectorFromUpdate(whole.update),
      );
      expectSame([board, docOf(whole.update), docOf(Y.mergeUpdates(parts))]);
      // A kept encoding of the board at a random point, then what it integrated since.
      const cut = 1 + createRandom(seed).int(parts.length - 1);
      const kept = mergeParts(parts.slice(0, cut)).update;
      const since = parts.slice(cut);
      const merged = mergeParts([kept, ...since]);
      expect(merged.stateVector, `seed ${seed}`).toEqual(
        Y.encodeStateVectorFromUpdate(merged.update),
      );
      expectSame([board, docOf(merged.update)]);
      // What it integrated since alone, onto the kept encoding.
      const later = docOf(kept);
      const rest = mergeParts(since);
      expect(rest.stateVector, `seed ${seed}`).toEqual(Y.encodeStateVectorFromUpdate(rest.update));
      Y.applyUpdate(later, rest.update);
      expectSame([board, later]);
    }
  });

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

describe('storedAnswer', () => {
  it("answers with a board's records or snapshot as mergeParts does, when they are whole", () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { board, parts } = randomHistory(seed);
      expect(storedAnswer(parts), `seed ${seed}`).toEqual(mergeParts(parts));
      const snapshot = Y.encodeStateAsUpdate(board);
      expect(storedAnswer([snapshot]), `seed ${seed}`).toEqual({
        update: snapshot,
        stateVector: Y.encodeStateVectorFromUpdate(snapshot),
      });
    }
  });

  it('answers nothing for content a document would keep pending (stored after a gap)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { board, parts } = randomHistory(seed);
      // A record missing in the middle: the later content of its client, and what builds on
      // it, waits for it.
      const gap = Math.floor(parts.length / 2);
      const held = parts.filter((_, i) => i !== gap);
      expect(storedAnswer(held), `seed ${seed}`).toBeNull();
      const holding = new Y.Doc();
      for (const part of held) Y.applyUpdate(holding, part);
      expect(holding.store.pendingStructs, `seed ${seed}`).not.toBeNull();
      expect(storedAnswer([Y.encodeStateAsUpdate(holding)]), `seed ${seed}`).toBeNull();
      expect(storedAnswer([Y.encodeStateAsUpdate(board)])).not.toBeNull();
    }
  });
});
