import { scanUpdate, skipFreeParts } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRandom } from '../../../../tests/utils/random.js';
import { buildSnapshot } from './snapshot.js';
import { buildVersion, inflateVersion } from './versionSnapshot.js';

/** Edits of one client as separate updates: sets, overwrites (deletes) and text edits. */
function edits(count: number, seed: number): Uint8Array[] {
  const random = createRandom(seed);
  const doc = new Y.Doc();
  doc.clientID = 7;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const shapes = doc.getMap('shapes');
  const text = doc.getText('t');
  for (let i = 0; i < count; i++) {
    const r = random.next();
    if (r < 0.6) shapes.set(`s${i}`, { x: random.int(1000), y: random.int(1000) });
    else if (r < 0.8 && i > 0) shapes.set(`s${random.int(i)}`, { moved: i });
    else if (text.length > 0 && r < 0.9) text.delete(random.int(text.length), 1);
    else text.insert(random.int(text.length + 1), `w${i}`);
  }
  return updates;
}

/** The board built the plain way: each record applied on its own. */
function oneByOne(updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}

function expectSameBoard(a: Y.Doc, b: Y.Doc): void {
  expect(Y.encodeStateVector(a)).toEqual(Y.encodeStateVector(b));
  expect(Y.encodeStateAsUpdate(a)).toEqual(Y.encodeStateAsUpdate(b));
  expect(a.store.pendingStructs).toBeNull();
  expect(b.store.pendingStructs).toBeNull();
  expect(a.getMap('shapes').toJSON()).toEqual(b.getMap('shapes').toJSON());
  expect(a.getText('t').toString()).toBe(b.getText('t').toString());
}

describe('buildSnapshot', () => {
  it('holds exactly what the records hold, as applying them one by one does', () => {
    for (const seed of [1, 2, 3]) {
      const updates = edits(600, seed);
      const built = new Y.Doc();
      Y.applyUpdate(built, buildSnapshot(updates));
      expectSameBoard(built, oneByOne(updates));
      // Snapshot first, then later records: what a compaction after a compaction reads.
      const again = buildSnapshot([buildSnapshot(updates.slice(0, 300)), ...updates.slice(300)]);
      expect(again).toEqual(buildSnapshot(updates));
    }
  });

  it("keeps a record whose dependency on another client's content is missing, so it is not lost", () => {
    // Client 8 edits on top of client 7's content, and is stored before it.
    const first = new Y.Doc();
    first.clientID = 7;
    first.getText('t').insert(0, 'hello');
    const second = new Y.Doc();
    second.clientID = 8;
    Y.applyUpdate(second, Y.encodeStateAsUpdate(first));
    const base = Y.encodeStateVector(second);
    second.getText('t').insert(5, ' world');
    const later = Y.encodeStateAsUpdate(second, base);
    const snapshot = buildSnapshot([later]);
    // A record every load accepts, the early content parked in it.
    expect(() => scanUpdate(snapshot)).not.toThrow();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, snapshot);
    expect(doc.store.pendingStructs).not.toBeNull();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(first));
    expect(doc.getText('t').toString()).toBe('hello world');
  });

  it("keeps content after a gap in one client's content, in a snapshot loads read", () => {
    const updates = edits(50, 4);
    // Record 10 failed to store and waits for its retry; the later ones of the same client did.
    const held = [...updates.slice(0, 10), ...updates.slice(11)];
    const snapshot = buildSnapshot(held);
    // The gap is a Skip, which a member's update may not carry; loads split it off.
    expect(() => scanUpdate(snapshot)).toThrow(/skips a range/);
    const doc = new Y.Doc();
    for (const part of skipFreeParts(snapshot)) Y.applyUpdate(doc, part);
    expect(doc.store.pendingStructs).not.toBeNull();
    // The retry stores record 10: the whole board.
    Y.applyUpdate(doc, updates[10]!);
    expectSameBoard(doc, oneByOne(updates));
  });
});

describe('buildVersion', () => {
  it('deflates the same board', async () => {
    const updates = edits(400, 5);
    const version = buildVersion(updates);
    const state = await inflateVersion(version.data);
    expect(state.byteLength).toBe(version.bytes);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    expectSameBoard(doc, oneByOne(updates));
  });
});
