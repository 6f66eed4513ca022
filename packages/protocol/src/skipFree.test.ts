import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRandom } from '../../../tests/utils/random.js';
import { skipFreeParts } from './skipFree.js';
import { BinaryFormatError, scanUpdate } from './yjsBinary.js';

/** Peers (three unless told) editing one board in turns, each transaction's update recorded. */
function history(
  seed: number,
  steps: number,
  peerCount = 3,
): { full: Y.Doc; updates: Uint8Array[] } {
  const random = createRandom(seed).next;
  const peers = [1, 2, 3].slice(0, peerCount).map((id) => {
    const doc = new Y.Doc();
    doc.clientID = id;
    return doc;
  });
  const full = new Y.Doc();
  const updates: Uint8Array[] = [];
  for (let step = 0; step < steps; step++) {
    const doc = peers[Math.floor(random() * peers.length)]!;
    // Each peer sees everything so far, so its edits build on the others'.
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(full));
    const shapes = doc.getMap<Y.Map<unknown>>('shapes');
    const captured: Uint8Array[] = [];
    const listener = (update: Uint8Array) => captured.push(update);
    doc.on('update', listener);
    doc.transact(() => {
      const keys = [...shapes.keys()];
      const r = random();
      if (r < 0.5 || keys.length === 0) {
        const shape = new Y.Map<unknown>();
        shape.set('x', Math.floor(random() * 1000));
        shape.set('label', `shape ${step}`);
        shapes.set(`s${step}`, shape);
      } else if (r < 0.8) {
        shapes.get(keys[Math.floor(random() * keys.length)]!)!.set('x', step);
      } else {
        shapes.delete(keys[Math.floor(random() * keys.length)]!);
      }
    });
    doc.off('update', listener);
    for (const update of captured) {
      updates.push(update);
      Y.applyUpdate(full, update);
    }
  }
  return { full, updates };
}

function docOf(updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}

function expectSameDoc(actual: Y.Doc, expected: Y.Doc): void {
  expect(actual.store.pendingStructs).toBeNull();
  expect(actual.store.pendingDs).toBeNull();
  expect(Y.encodeStateVector(actual)).toEqual(Y.encodeStateVector(expected));
  expect(Y.snapshot(actual).ds).toEqual(Y.snapshot(expected).ds);
  expect(actual.getMap('shapes').toJSON()).toEqual(expected.getMap('shapes').toJSON());
}

describe('skipFreeParts', () => {
  it('gives back an update without Skips as it is', () => {
    const { updates } = history(1, 20);
    const merged = Y.mergeUpdates(updates);
    expect(skipFreeParts(merged)).toEqual([merged]);
    expect(skipFreeParts(merged)[0]).toBe(merged);
  });

  it('splits a merge over a gap into parts every scan accepts, holding the same content', () => {
    // One peer, so the missing edits leave a gap in its clocks.
    const { full, updates } = history(2, 12, 1);
    const kept = updates.filter((_, i) => i < 3 || i > 6);
    const merged = Y.mergeUpdates(kept);
    expect(() => scanUpdate(merged)).toThrow(/skips a range/);
    const parts = skipFreeParts(merged);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(() => scanUpdate(part)).not.toThrow();
    // The parts alone make the same document the merge does (pending content included)...
    const fromParts = docOf(parts);
    const fromMerge = docOf([merged]);
    expect(Y.encodeStateVector(fromParts)).toEqual(Y.encodeStateVector(fromMerge));
    expect(fromParts.getMap('shapes').toJSON()).toEqual(fromMerge.getMap('shapes').toJSON());
    expect(fromParts.store.pendingStructs).not.toBeNull();
    // ...and with the gap filled, the whole board.
    for (const update of updates.slice(3, 7)) Y.applyUpdate(fromParts, update);
    expectSameDoc(fromParts, full);
  });

  it('reads a snapshot of a document holding pending content (seeded, 300 histories)', () => {
    let split = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const random = createRandom(seed * 7919).next;
      const { full, updates } = history(seed, 10 + Math.floor(random() * 30));
      const missing = new Set(updates.map((_, i) => i).filter(() => random() < 0.25));
      const held = docOf(updates.filter((_, i) => !missing.has(i)));
      const snapshot = Y.encodeStateAsUpdate(held);
      const parts = skipFreeParts(snapshot);
      if (parts.length > 1) split++;
      for (const part of parts) scanUpdate(part);
      const loaded = docOf(parts);
      expect(Y.encodeStateVector(loaded)).toEqual(Y.encodeStateVector(held));
      for (const i of missing) Y.applyUpdate(loaded, updates[i]!);
      expectSameDoc(loaded, full);
    }
    // Most histories leave some peer with a gap.
    expect(split).toBeGreaterThan(150);
  });

  it('refuses what scanUpdate refuses for any other reason', () => {
    const { updates } = history(3, 12);
    const merged = Y.mergeUpdates(updates.filter((_, i) => i !== 4));
    expect(() => skipFreeParts(merged.subarray(0, merged.length - 3))).toThrow(BinaryFormatError);
    expect(() => skipFreeParts(new Uint8Array([1, 200, 200, 200]))).toThrow(BinaryFormatError);
  });
});
