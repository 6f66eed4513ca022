import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Storage } from './Storage.js';

export interface StorageFixture {
  storage: Storage;
  /** Opens a new instance on the same data. The suite closes the previous instance first. */
  reopen?: () => Promise<Storage>;
  /** Damages the stored bytes of the board's highest-seq update (committed before the call). */
  corruptLastRecord?: (boardId: string) => Promise<void>;
  /** Closes every instance the fixture opened and removes its files. */
  cleanup: () => Promise<void>;
}

/** A doc whose every local transaction is captured as one update, like a client's. */
function recordingDoc(): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  return { doc, updates };
}

/** A mix of inserts, overwrites of nested content, deletes and text, so replay order matters. */
function edit(doc: Y.Doc, i: number): void {
  doc.transact(() => {
    const shapes = doc.getMap<unknown>('shapes');
    shapes.set(`shape-${i}`, { kind: 'rect', x: i, y: i * 2, label: `#${i}` });
    if (i % 3 === 2) shapes.delete(`shape-${i - 1}`);
    if (i % 5 === 0) doc.getText('title').insert(0, `${i} `);
  });
}

function edits(doc: Y.Doc, from: number, count: number): void {
  for (let i = from; i < from + count; i++) edit(doc, i);
}

function replay(updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}

function expectSameBoard(updates: readonly Uint8Array[], expected: Y.Doc): void {
  const doc = replay(updates);
  expect(doc.getMap('shapes').toJSON()).toEqual(expected.getMap('shapes').toJSON());
  expect(doc.getText('title').toString()).toBe(expected.getText('title').toString());
  // Decoded to maps: the encoding's client order is not significant. A missing update shows up
  // here even when the visible content happens to match.
  expect(Y.decodeStateVector(Y.encodeStateVector(doc))).toEqual(
    Y.decodeStateVector(Y.encodeStateVector(expected)),
  );
}

function expectIncreasing(seqs: readonly number[]): void {
  seqs.forEach((seq, i) => {
    expect(Number.isSafeInteger(seq)).toBe(true);
    expect(seq).toBeGreaterThan(i === 0 ? 0 : seqs[i - 1]!);
  });
}

function totalBytes(updates: readonly Uint8Array[]): number {
  return updates.reduce((sum, update) => sum + update.byteLength, 0);
}

/** The behaviour every `Storage` backend must show; see the contract in `Storage.ts`. */
export function describeStorageContract(
  name: string,
  factory: () => Promise<StorageFixture>,
): void {
  describe(`${name}: storage contract`, () => {
    let fixture: StorageFixture;
    let storage: Storage;

    beforeEach(async () => {
      fixture = await factory();
      storage = fixture.storage;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('loads an unknown board as empty', async () => {
      expect(await storage.load('nothing-here')).toEqual({
        updates: [],
        lastSeq: 0,
        bytes: 0,
        corrupt: 0,
      });
    });

    it('resolves appends with increasing seqs', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 10);
      const seqs: number[] = [];
      for (const update of updates) seqs.push(await storage.append('b', update));
      expectIncreasing(seqs);

      const loaded = await storage.load('b');
      expect(loaded.updates).toEqual(updates);
      expect(loaded.lastSeq).toBe(seqs.at(-1));
      expect(loaded.bytes).toBe(totalBytes(updates));
      expect(loaded.corrupt).toBe(0);
      expectSameBoard(loaded.updates, doc);
    });

    it('commits 500 appends issued in one tick, in issue order', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 500);
      expect(updates).toHaveLength(500);
      const seqs = await Promise.all(updates.map((update) => storage.append('b', update)));
      expectIncreasing(seqs);

      const loaded = await storage.load('b');
      expect(loaded.updates).toEqual(updates);
      expect(loaded.lastSeq).toBe(seqs.at(-1));
      expect(loaded.bytes).toBe(totalBytes(updates));
      expectSameBoard(loaded.updates, doc);
    });

    it('settles every append issued before flush', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 20);
      let settled = 0;
      const appends = updates.map((update) =>
        storage.append('b', update).finally(() => {
          settled += 1;
        }),
      );
      await storage.flush();
      expect(settled).toBe(updates.length);
      expectIncreasing(await Promise.all(appends));
    });

    it('loads appends that are still queued', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 5);
      const appends = updates.map((update) => storage.append('b', update));
      const loaded = await storage.load('b');
      expect(loaded.updates).toEqual(updates);
      expect(loaded.lastSeq).toBe((await Promise.all(appends)).at(-1));
    });

    it('keeps its own copy of appended bytes', async () => {
      const update = Uint8Array.of(1, 2, 3, 4);
      const append = storage.append('b', update);
      update.fill(0);
      await append;
      const loaded = await storage.load('b');
      expect(loaded.updates).toEqual([Uint8Array.of(1, 2, 3, 4)]);
      loaded.updates[0]!.fill(9);
      expect((await storage.load('b')).updates).toEqual([Uint8Array.of(1, 2, 3, 4)]);
    });

    it('keeps boards isolated', async () => {
      // Prefixes of each other and non-ASCII, to catch key handling that is not exact.
      const ids = ['board', 'board-2', 'tavla/ü 板'];
      const boards = ids.map(() => recordingDoc());
      ids.forEach((_, b) => {
        edits(boards[b]!.doc, b * 1000, 30);
      });
      const appends: Promise<number>[] = [];
      for (let i = 0; i < 30; i++) {
        ids.forEach((id, b) => {
          appends.push(storage.append(id, boards[b]!.updates[i]!));
        });
      }
      await Promise.all(appends);

      for (const [b, id] of ids.entries()) {
        const loaded = await storage.load(id);
        expect(loaded.updates).toEqual(boards[b]!.updates);
        expectSameBoard(loaded.updates, boards[b]!.doc);
      }
    });

    it('compacts to a snapshot with identical content and fewer records', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 40);
      const seqs = await Promise.all(updates.map((update) => storage.append('b', update)));
      const throughSeq = seqs.at(-1)!;
      const state = Y.encodeStateAsUpdate(doc);
      await storage.compact('b', state, throughSeq);

      const compacted = await storage.load('b');
      expect(compacted.updates).toEqual([state]);
      expect(compacted.lastSeq).toBe(throughSeq);
      expect(compacted.bytes).toBe(state.byteLength);
      expectSameBoard(compacted.updates, doc);

      const before = updates.length;
      edits(doc, 40, 5);
      const later = updates.slice(before);
      const laterSeqs = await Promise.all(later.map((update) => storage.append('b', update)));
      expect(laterSeqs[0]).toBeGreaterThan(throughSeq);

      const loaded = await storage.load('b');
      expect(loaded.updates).toEqual([state, ...later]);
      expect(loaded.lastSeq).toBe(laterSeqs.at(-1));
      expect(loaded.bytes).toBe(state.byteLength + totalBytes(later));
      expectSameBoard(loaded.updates, doc);
    });

    it('keeps updates after throughSeq when compacting part of the log', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 10);
      const seqs = await Promise.all(updates.map((update) => storage.append('b', update)));
      const partial = replay(updates.slice(0, 6));
      await storage.compact('b', Y.encodeStateAsUpdate(partial), seqs[5]!);

      const loaded = await storage.load('b');
      expect(loaded.updates.slice(1)).toEqual(updates.slice(6));
      expect(loaded.lastSeq).toBe(seqs.at(-1));
      expectSameBoard(loaded.updates, doc);
    });

    it('ignores a compaction older than the stored snapshot', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 5);
      const stateAt5 = Y.encodeStateAsUpdate(doc);
      edits(doc, 5, 5);
      const stateAt10 = Y.encodeStateAsUpdate(doc);
      const seqs = await Promise.all(updates.map((update) => storage.append('b', update)));

      await storage.compact('b', stateAt10, seqs[9]!);
      await storage.compact('b', stateAt5, seqs[4]!);

      const loaded = await storage.load('b');
      expect(loaded.updates).toEqual([stateAt10]);
      expect(loaded.lastSeq).toBe(seqs[9]);
      expectSameBoard(loaded.updates, doc);
    });

    it('replaces the snapshot when compacting again through the same seq', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 5);
      const seqs = await Promise.all(updates.map((update) => storage.append('b', update)));
      await storage.compact('b', Y.encodeStateAsUpdate(doc), seqs.at(-1)!);
      // An edit whose append failed lives only in memory; a new snapshot must still take it.
      edit(doc, 5);
      const state = Y.encodeStateAsUpdate(doc);
      await storage.compact('b', state, seqs.at(-1)!);

      const loaded = await storage.load('b');
      expect(loaded.updates).toEqual([state]);
      expect(loaded.lastSeq).toBe(seqs.at(-1));
      expectSameBoard(loaded.updates, doc);
    });

    it('never reuses seqs after compaction', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 3);
      const seqs = await Promise.all(updates.map((update) => storage.append('b', update)));
      await storage.compact('b', Y.encodeStateAsUpdate(doc), seqs.at(-1)!);
      edit(doc, 3);
      const next = await storage.append('b', updates.at(-1)!);
      expect(next).toBeGreaterThan(seqs.at(-1)!);
      expectSameBoard((await storage.load('b')).updates, doc);
    });

    it('rejects a compaction beyond the last committed seq', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 2);
      const seqs = await Promise.all(updates.map((update) => storage.append('b', update)));
      await expect(
        storage.compact('b', Y.encodeStateAsUpdate(doc), seqs.at(-1)! + 1),
      ).rejects.toThrow(RangeError);
      expect((await storage.load('b')).updates).toEqual(updates);
    });

    it('survives close and reopen', async (context) => {
      if (fixture.reopen === undefined) context.skip();
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 20);
      const seqs = await Promise.all(updates.map((update) => storage.append('b', update)));
      await storage.compact('b', Y.encodeStateAsUpdate(replay(updates.slice(0, 10))), seqs[9]!);
      await storage.close();

      const reopened = await fixture.reopen!();
      const loaded = await reopened.load('b');
      expect(loaded.updates.slice(1)).toEqual(updates.slice(10));
      expect(loaded.lastSeq).toBe(seqs.at(-1));
      expect(loaded.corrupt).toBe(0);
      expectSameBoard(loaded.updates, doc);

      edit(doc, 20);
      expect(await reopened.append('b', updates.at(-1)!)).toBeGreaterThan(seqs.at(-1)!);
      await reopened.close();
    });

    it('skips and counts a corrupt final record without throwing', async (context) => {
      if (fixture.corruptLastRecord === undefined) context.skip();
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 20);
      const other = recordingDoc();
      edits(other.doc, 100, 3);
      const seqs = await Promise.all(updates.map((update) => storage.append('b', update)));
      await Promise.all(other.updates.map((update) => storage.append('other', update)));
      await storage.flush();
      await fixture.corruptLastRecord!('b');

      const loaded = await storage.load('b');
      expect(loaded.corrupt).toBe(1);
      expect(loaded.updates).toEqual(updates.slice(0, 19));
      expect(loaded.lastSeq).toBe(seqs[18]);
      expect(loaded.bytes).toBe(totalBytes(updates.slice(0, 19)));
      expectSameBoard(loaded.updates, replay(updates.slice(0, 19)));

      const untouched = await storage.load('other');
      expect(untouched.corrupt).toBe(0);
      expectSameBoard(untouched.updates, other.doc);

      // The damaged record does not block the board: new appends land after it.
      const fresh = Uint8Array.of(7, 7, 7);
      expect(await storage.append('b', fresh)).toBeGreaterThan(seqs.at(-1)!);
      const after = await storage.load('b');
      expect(after.corrupt).toBe(1);
      expect(after.updates).toEqual([...updates.slice(0, 19), fresh]);
    });

    it('commits appends issued before close, and rejects every call after it', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 10);
      const appends = updates.map((update) => storage.append('b', update));
      await storage.close();
      expectIncreasing(await Promise.all(appends));

      await expect(storage.append('b', Uint8Array.of(1))).rejects.toThrow(/closed/);
      await expect(storage.load('b')).rejects.toThrow(/closed/);
      await expect(storage.compact('b', Uint8Array.of(1), 1)).rejects.toThrow(/closed/);
      await expect(storage.flush()).rejects.toThrow(/closed/);
      await expect(storage.close()).resolves.toBeUndefined();

      if (fixture.reopen !== undefined) {
        const reopened = await fixture.reopen();
        expect((await reopened.load('b')).updates).toEqual(updates);
        await reopened.close();
      }
    });
  });
}
