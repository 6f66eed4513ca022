import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { findMissingDependency, furthestNeeds } from './updateDependencies.js';
import { scanUpdate } from './yjsBinary.js';

/** Two clients' board, then a third client's one transaction on top: new, moved, deleted, typed. */
function boardAndEdit(): { base: Y.Doc; edit: Uint8Array } {
  const a = new Y.Doc();
  a.clientID = 1;
  const b = new Y.Doc();
  b.clientID = 2;
  for (let i = 0; i < 40; i++) {
    const doc = i % 2 ? a : b;
    doc.getMap('shapes').set(`s${i}`, new Y.Map([['x', i]]));
    doc.getText('text').insert(0, `${i} `);
    Y.applyUpdate(i % 2 ? b : a, Y.encodeStateAsUpdate(doc));
  }
  const editor = new Y.Doc();
  editor.clientID = 3;
  Y.applyUpdate(editor, Y.encodeStateAsUpdate(a));
  let edit: Uint8Array | null = null;
  editor.on('update', (u: Uint8Array) => {
    edit = u;
  });
  editor.transact(() => {
    const shapes = editor.getMap('shapes');
    for (let i = 0; i < 30; i++) shapes.set(i % 2 ? `s${i}` : `n${i}`, new Y.Map([['x', -i]]));
    shapes.delete('s5');
    editor.getText('text').insert(7, 'typed');
    editor.getText('text').delete(20, 15);
  });
  return { base: a, edit: edit! };
}

describe('furthestNeeds', () => {
  it('finds a missing dependency or deletion exactly when the whole scan does', () => {
    const { base, edit } = boardAndEdit();
    const scan = scanUpdate(edit);
    const furthest = furthestNeeds(scan);
    expect(furthest.dependencies.length).toBeLessThan(scan.dependencies.length);
    const full = Y.getState(base.store, 1);
    const other = Y.getState(base.store, 2);
    // The board with all, none, or part of what the edit builds on.
    const states: Array<[number, number]> = [
      [full, other],
      [0, 0],
      [full, 0],
      [0, other],
      [full - 1, other],
      [full, other - 1],
      [Math.floor(full / 2), other],
      [full, Math.floor(other / 2)],
    ];
    for (const [one, two] of states) {
      const state = (client: number) => (client === 1 ? one : client === 2 ? two : 0);
      const whole = findMissingDependency(scan, state);
      const fast = findMissingDependency(furthest, state, { cycles: false });
      expect(fast === null, `board at 1:${one}, 2:${two}`).toBe(whole === null);
    }
    expect(
      findMissingDependency(furthest, (c) => Y.getState(base.store, c), { cycles: false }),
    ).toBeNull();
  });
});
