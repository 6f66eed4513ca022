import { scanUpdate } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addsNothing, deletedRanges } from './addsNothing.js';

/** A document's delete set, as a Yjs update without structs. */
const deletesOf = (doc: Y.Doc) => Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc));
const rangesOf = (doc: Y.Doc) => deletedRanges(scanUpdate(deletesOf(doc)).deletes);

describe('addsNothing', () => {
  it('merges ranges and finds a range held across them', () => {
    const held = deletedRanges([
      { client: 1, clock: 10, len: 5 },
      { client: 1, clock: 0, len: 3 },
      { client: 1, clock: 3, len: 2 },
      { client: 1, clock: 4, len: 4 },
      { client: 2, clock: 7, len: 0 },
    ]);
    expect(held).toEqual(
      new Map([
        [
          1,
          [
            [0, 8],
            [10, 15],
          ],
        ],
      ]),
    );
  });

  it('is true only for an update without structs whose deletions are all held', () => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    text.insert(0, 'abcdefghij');
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
    text.delete(2, 3);
    text.delete(6, 1);
    // The peer holds every struct: what doc holds beyond it is its deletions.
    const beyond = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(peer));
    expect(addsNothing(beyond, rangesOf(peer))).toBe(false);
    Y.applyUpdate(peer, beyond);
    expect(addsNothing(beyond, rangesOf(peer))).toBe(true);
    // Holding part of the deletions is not enough: doc deleted clocks 2-4 and 9.
    const client = doc.clientID;
    const partly = [{ client, clock: 2, len: 2 }];
    expect(addsNothing(beyond, deletedRanges(partly))).toBe(false);
    const all = [...partly, { client, clock: 4, len: 1 }, { client, clock: 9, len: 1 }];
    expect(addsNothing(beyond, deletedRanges(all))).toBe(true);
    // Structs always add something.
    text.insert(0, 'z');
    const withStruct = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(peer));
    expect(addsNothing(withStruct, rangesOf(doc))).toBe(false);
  });
});
