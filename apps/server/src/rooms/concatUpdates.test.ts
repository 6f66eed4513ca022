import { scanUpdate } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { concatUpdates } from './concatUpdates.js';

const scanned = (update: Uint8Array) => ({ update, scan: scanUpdate(update) });

/** Clients editing one shared doc (every edit reaches the others at once), recording each update. */
function session(clients: number, seed: number) {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const docs = Array.from({ length: clients }, (_, i) => {
    const doc = new Y.Doc();
    doc.clientID = 100 + i;
    return doc;
  });
  const updates: Uint8Array[] = [];
  for (const doc of docs) {
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'peer') return;
      updates.push(update);
      for (const other of docs) if (other !== doc) Y.applyUpdate(other, update, 'peer');
    });
  }
  const edit = () => {
    const doc = docs[Math.floor(random() * docs.length)]!;
    const text = doc.getText('text');
    const shapes = doc.getMap('shapes');
    const roll = random();
    if (roll < 0.3)
      text.insert(Math.floor(random() * (text.length + 1)), 'xyz'.slice(0, 1 + ((roll * 10) % 3)));
    else if (roll < 0.45 && text.length > 2)
      text.delete(Math.floor(random() * (text.length - 1)), 2);
    else if (roll < 0.85)
      shapes.set(`s${Math.floor(random() * 20)}`, { x: random(), tags: ['a', roll] });
    else if (shapes.size > 0)
      shapes.delete([...shapes.keys()][Math.floor(random() * shapes.size)]!);
  };
  return { docs, updates, edit };
}

const content = (doc: Y.Doc) => ({
  text: doc.getText('text').toString(),
  shapes: doc.getMap('shapes').toJSON(),
});

describe('concatUpdates', () => {
  it('joins runs of fresh updates into one update that Yjs reads as their merge', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const { docs, updates, edit } = session(3, seed);
      for (let i = 0; i < 40; i++) edit();
      // Any stretch of the run, started from the doc that holds what came before it.
      for (const [from, to] of [
        [0, updates.length],
        [5, 17],
        [10, 11 + (seed % 5)],
      ] as const) {
        const before = new Y.Doc();
        for (const update of updates.slice(0, from)) Y.applyUpdate(before, update);
        const joined = concatUpdates(updates.slice(from, to).map(scanned));
        expect(joined).not.toBeNull();
        // A well-formed update, which the server's own scan accepts.
        const scan = scanUpdate(joined!);
        expect(scan.structCount).toBe(
          updates.slice(from, to).reduce((sum, u) => sum + scanUpdate(u).structCount, 0),
        );
        const viaJoin = new Y.Doc();
        const viaMerge = new Y.Doc();
        for (const doc of [viaJoin, viaMerge]) Y.applyUpdate(doc, Y.encodeStateAsUpdate(before));
        Y.applyUpdate(viaJoin, joined!);
        Y.applyUpdate(viaMerge, Y.mergeUpdates(updates.slice(from, to)));
        expect(viaJoin.store.pendingStructs).toBeNull();
        expect(viaJoin.store.pendingDs).toBeNull();
        expect(Y.encodeStateAsUpdate(viaJoin)).toEqual(Y.encodeStateAsUpdate(viaMerge));
        if (to === updates.length) expect(content(viaJoin)).toEqual(content(docs[0]!));
      }
    }
  });

  it('returns null when a client’s updates overlap or leave a gap', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    for (let i = 0; i < 3; i++) doc.getMap('m').set(`k${i}`, i);
    const [a, b, c] = updates as [Uint8Array, Uint8Array, Uint8Array];
    expect(concatUpdates([a, c].map(scanned))).toBeNull(); // gap
    expect(concatUpdates([a, b, b].map(scanned))).toBeNull(); // overlap
    expect(concatUpdates([b, a].map(scanned))).toBeNull(); // out of order
    expect(concatUpdates([a, b, c].map(scanned))).not.toBeNull();
  });
});
