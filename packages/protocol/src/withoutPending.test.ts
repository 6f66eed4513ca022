import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { withoutPending } from './withoutPending.js';
import { scanUpdate } from './yjsBinary.js';

describe('withoutPending', () => {
  it('encodes only what the document integrated, and keeps what it holds pending', () => {
    const author = new Y.Doc();
    const edits: Uint8Array[] = [];
    author.on('update', (update: Uint8Array) => edits.push(update));
    for (const key of ['one', 'two', 'three', 'four']) author.getMap('m').set(key, key);
    const doc = new Y.Doc();
    // Edits 3 and 4 arrive without edit 2: pending, in two runs, so Yjs encodes a Skip.
    for (const i of [0, 2, 3]) Y.applyUpdate(doc, edits[i]!);
    const pending = doc.store.pendingStructs;
    expect(pending).not.toBeNull();
    expect(() => scanUpdate(Y.encodeStateAsUpdate(doc))).toThrow(/skips a range/);

    const integrated = withoutPending(doc.store, () => Y.encodeStateAsUpdate(doc));
    expect(() => scanUpdate(integrated)).not.toThrow();
    const copy = new Y.Doc();
    Y.applyUpdate(copy, integrated);
    expect(copy.store.pendingStructs).toBeNull();
    expect(copy.getMap('m').toJSON()).toEqual({ one: 'one' });
    expect(doc.store.pendingStructs).toBe(pending);

    // Put back even when the encoding throws; the gap then integrates everything.
    expect(() =>
      withoutPending(doc.store, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(doc.store.pendingStructs).toBe(pending);
    Y.applyUpdate(doc, edits[1]!);
    expect(doc.getMap('m').toJSON()).toEqual(author.getMap('m').toJSON());
  });
});
