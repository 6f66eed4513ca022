import { scanUpdate, skipFreeParts } from '@drawbridge/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from './Storage.js';
import { describeTwoWriterContract } from './storageTwoWriters.js';
import {
  edit,
  edits,
  empty,
  expectIncreasing,
  expectSameBoard,
  recordingDoc,
  replay,
  type StorageFixture,
  totalBytes,
} from './testing/contractKit.js';

export type { StorageFixture } from './testing/contractKit.js';

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
      expect(await storage.load('nothing-here')).toEqual(empty());
      expect(await storage.headSeqs(['nothing-here'])).toEqual(new Map([['nothing-here', 0]]));
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
      expect(loaded.snapshot).toBe(false);
      expectSameBoard(loaded.updates, doc);
      expect(await storage.headSeqs(['b'])).toEqual(new Map([['b', seqs.at(-1)]]));
    });

    it('commits 500 appends issued in one tick, gapless and in issue order', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 500);
      expect(updates).toHaveLength(500);
      const seqs = await Promise.all(updates.map((update) => storage.append('b', update)));
      expect(seqs).toEqual(updates.map((_, i) => i + 1));

      const loaded = await storage.load('b');
      expect(loaded.updates).toEqual(updates);
      expect(loaded.lastSeq).toBe(500);
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
      // A Node Buffer's slice shares memory: the copy must not.
      const pooled = Buffer.from([5, 6, 7]);
      const appended = storage.append('b', pooled);
      pooled.fill(0);
      await appended;
      expect((await storage.load('b')).updates.at(-1)).toEqual(Uint8Array.of(5, 6, 7));
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
        expect(loaded.lastSeq).toBe(30);
        expectSameBoard(loaded.updates, boards[b]!.doc);
      }
      expect(await storage.headSeqs(ids)).toEqual(new Map(ids.map((id) => [id, 30])));
    });

    it('reads the records after a seq', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 10);
      await Promise.all(updates.map((update) => storage.append('b', update)));
      const since = await storage.readSince('b', 6);
      expect(since.updates).toEqual(updates.slice(6));
      expect(since).toMatchObject({ lastSeq: 10, snapshot: false, corrupt: 0 });
      expect(await storage.readSince('b', 10)).toEqual(empty(10));
    });

    it('compacts stored records into a snapshot with identical content', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 40);
      await Promise.all(updates.map((update) => storage.append('b', update)));
      const result = await storage.compact('b');
      expect(result).toMatchObject({ compacted: true, throughSeq: 40, records: 40 });

      const compacted = await storage.load('b');
      expect(compacted.updates).toHaveLength(1);
      expect(compacted).toMatchObject({ lastSeq: 40, snapshot: true, corrupt: 0 });
      expect(compacted.bytes).toBe(result.snapshotBytes);
      expect(compacted.bytes).toBeLessThan(totalBytes(updates));
      expectSameBoard(compacted.updates, doc);

      const before = updates.length;
      edits(doc, 40, 5);
      const later = updates.slice(before);
      const laterSeqs = await Promise.all(later.map((update) => storage.append('b', update)));
      expect(laterSeqs).toEqual([41, 42, 43, 44, 45]);

      const loaded = await storage.load('b');
      expect(loaded.updates.slice(1)).toEqual(later);
      expect(loaded.lastSeq).toBe(45);
      expectSameBoard(loaded.updates, doc);
      // Records that were compacted away come back as the snapshot; later ones as they are.
      const since = await storage.readSince('b', 10);
      expect(since.snapshot).toBe(true);
      expect(since.updates.slice(1)).toEqual(later);
      expect((await storage.readSince('b', 42)).updates).toEqual(later.slice(2));
    });

    it('compacts again on top of a snapshot, and skips a log that is too short', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 10);
      await Promise.all(updates.map((update) => storage.append('b', update)));
      await storage.compact('b');
      expect(await storage.compact('b')).toMatchObject({ compacted: false, skipped: 'small' });
      edits(doc, 10, 3);
      await Promise.all(updates.slice(10).map((update) => storage.append('b', update)));
      expect(await storage.compact('b', { minRecords: 5 })).toMatchObject({ compacted: false });
      expect(await storage.compact('b', { minRecords: 3 })).toMatchObject({
        compacted: true,
        throughSeq: 13,
        records: 3,
      });
      const loaded = await storage.load('b');
      expect(loaded.updates).toHaveLength(1);
      expectSameBoard(loaded.updates, doc);
      expect(await storage.compact('empty-board')).toMatchObject({ compacted: false });
    });

    it('never reuses seqs after compaction', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 3);
      const seqs = await Promise.all(updates.map((update) => storage.append('b', update)));
      await storage.compact('b');
      edit(doc, 3);
      const next = await storage.append('b', updates.at(-1)!);
      expect(next).toBe(seqs.at(-1)! + 1);
      expectSameBoard((await storage.load('b')).updates, doc);
    });

    it('keeps content that arrived before its dependencies through compaction', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 6);
      // Stored out of causal order: the later edits first (an append failed and waits for its
      // retry). Nothing may be dropped, and every record must stay one a load reads: the
      // snapshot over the gap holds a Skip, which loads split off (`skipFreeParts`).
      const order = [...updates.slice(3), ...updates.slice(0, 3)];
      for (const update of order.slice(0, 4)) await storage.append('b', update);
      expect(await storage.compact('b')).toMatchObject({ compacted: true, throughSeq: 4 });
      const early = await storage.load('b');
      for (const record of early.updates) expect(() => skipFreeParts(record)).not.toThrow();
      for (const update of order.slice(4)) await storage.append('b', update);
      expect(await storage.compact('b')).toMatchObject({ compacted: true, throughSeq: 6 });
      const loaded = await storage.load('b');
      for (const record of loaded.updates) expect(() => scanUpdate(record)).not.toThrow();
      expectSameBoard(loaded.updates, doc);
    });

    it('survives close and reopen', async (context) => {
      if (fixture.reopen === undefined) context.skip();
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 20);
      const seqs = await Promise.all(
        updates.slice(0, 10).map((update) => storage.append('b', update)),
      );
      await storage.compact('b');
      seqs.push(
        ...(await Promise.all(updates.slice(10).map((update) => storage.append('b', update)))),
      );
      await storage.close();

      const reopened = await fixture.reopen!();
      const loaded = await reopened.load('b');
      expect(loaded.updates.slice(1)).toEqual(updates.slice(10));
      expect(loaded.lastSeq).toBe(seqs.at(-1));
      expect(loaded.corrupt).toBe(0);
      expectSameBoard(loaded.updates, doc);

      edit(doc, 20);
      expect(await reopened.append('b', updates.at(-1)!)).toBe(seqs.at(-1)! + 1);
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
      // The damaged record still counts as read: a reader must not ask for it again forever.
      expect(loaded.lastSeq).toBe(seqs[19]);
      expect(loaded.bytes).toBe(totalBytes(updates.slice(0, 19)));
      expectSameBoard(loaded.updates, replay(updates.slice(0, 19)));

      const untouched = await storage.load('other');
      expect(untouched.corrupt).toBe(0);
      expectSameBoard(untouched.updates, other.doc);

      // The damaged record does not block the board: new appends land after it.
      const fresh = Uint8Array.of(7, 7, 7);
      expect(await storage.append('b', fresh)).toBe(seqs.at(-1)! + 1);
      const after = await storage.load('b');
      expect(after.corrupt).toBe(1);
      expect(after.updates).toEqual([...updates.slice(0, 19), fresh]);
    });

    it('reports the damaged records a compaction went through', async (context) => {
      if (fixture.corruptLastRecord === undefined) context.skip();
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 5);
      for (const update of updates) await storage.append('b', update);
      await storage.append('other', updates[0]!);
      await storage.append('other', updates[1]!);
      await storage.flush();
      await fixture.corruptLastRecord!('b');
      // What the damaged record held is gone from storage, unless a holder stores it again.
      expect(await storage.compact('b')).toMatchObject({ compacted: true, corrupt: 1 });
      expect(await storage.compact('other')).not.toHaveProperty('corrupt');
      expectSameBoard((await storage.load('b')).updates, replay(updates.slice(0, 4)));
    });

    it('commits appends issued before close, and rejects every call after it', async () => {
      const { doc, updates } = recordingDoc();
      edits(doc, 0, 10);
      const appends = updates.map((update) => storage.append('b', update));
      await storage.close();
      expectIncreasing(await Promise.all(appends));

      await expect(storage.append('b', Uint8Array.of(1))).rejects.toThrow(/closed/);
      await expect(storage.load('b')).rejects.toThrow(/closed/);
      await expect(storage.compact('b')).rejects.toThrow(/closed/);
      await expect(storage.flush()).rejects.toThrow(/closed/);
      await expect(storage.ping()).rejects.toThrow(/closed/);
      await expect(storage.close()).resolves.toBeUndefined();

      if (fixture.reopen !== undefined) {
        const reopened = await fixture.reopen();
        expect((await reopened.load('b')).updates).toEqual(updates);
        await reopened.close();
      }
    });
  });

  describeTwoWriterContract(name, factory);
}
