/** Shared pieces of the storage contract suites: fixtures, recorded edits and checks. */
import { expect } from 'vitest';
import * as Y from 'yjs';
import type { Storage, StoredBoard } from '../Storage.js';

export interface StorageFixture {
  storage: Storage;
  /** Opens another writer on the same data, as a second process (or cluster node) would. */
  openSecond?: () => Promise<Storage>;
  /** Opens a new instance on the same data. The suite closes the previous instance first. */
  reopen?: () => Promise<Storage>;
  /** Damages the stored bytes of the board's highest-seq update (committed before the call). */
  corruptLastRecord?: (boardId: string) => Promise<void>;
  /** Closes every instance the fixture opened and removes its files. */
  cleanup: () => Promise<void>;
}

/** A doc whose every local transaction is captured as one update, like a client's. */
export function recordingDoc(): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  return { doc, updates };
}

/** A mix of inserts, overwrites of nested content, deletes and text, so replay order matters. */
export function edit(doc: Y.Doc, i: number): void {
  doc.transact(() => {
    const shapes = doc.getMap<unknown>('shapes');
    shapes.set(`shape-${i}`, { kind: 'rect', x: i, y: i * 2, label: `#${i}` });
    if (i % 3 === 2) shapes.delete(`shape-${i - 1}`);
    if (i % 5 === 0) doc.getText('title').insert(0, `${i} `);
  });
}

export function edits(doc: Y.Doc, from: number, count: number): void {
  for (let i = from; i < from + count; i++) edit(doc, i);
}

export function replay(updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}

/** Same content, same state vector, same deletions, nothing pending. */
export function expectSameBoard(updates: readonly Uint8Array[], expected: Y.Doc): void {
  const doc = replay(updates);
  expect(doc.store.pendingStructs).toBeNull();
  expect(doc.store.pendingDs).toBeNull();
  expect(doc.getMap('shapes').toJSON()).toEqual(expected.getMap('shapes').toJSON());
  expect(doc.getText('title').toString()).toBe(expected.getText('title').toString());
  // Decoded to maps: the encoding's client order is not significant. A missing update shows up
  // here even when the visible content happens to match.
  expect(Y.decodeStateVector(Y.encodeStateVector(doc))).toEqual(
    Y.decodeStateVector(Y.encodeStateVector(expected)),
  );
  const deletes = (d: Y.Doc) => Y.decodeUpdate(Y.encodeStateAsUpdate(d)).ds;
  expect(Y.equalDeleteSets(deletes(doc), deletes(expected))).toBe(true);
}

export function expectIncreasing(seqs: readonly number[]): void {
  seqs.forEach((seq, i) => {
    expect(Number.isSafeInteger(seq)).toBe(true);
    expect(seq).toBeGreaterThan(i === 0 ? 0 : seqs[i - 1]!);
  });
}

export function totalBytes(updates: readonly Uint8Array[]): number {
  return updates.reduce((sum, update) => sum + update.byteLength, 0);
}

export const empty = (lastSeq = 0): StoredBoard => ({
  updates: [],
  lastSeq,
  bytes: 0,
  corrupt: 0,
  snapshot: false,
});
