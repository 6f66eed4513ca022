import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Storage } from './Storage.js';
import {
  edits,
  expectSameBoard,
  recordingDoc,
  type StorageFixture,
} from './testing/contractKit.js';

/** Two writers' edits of one board, made concurrently: neither has seen the other's. */
function concurrentEdits(count: number) {
  const a = recordingDoc();
  const b = recordingDoc();
  edits(a.doc, 0, count);
  edits(b.doc, 10_000, count);
  const union = new Y.Doc();
  for (const update of [...a.updates, ...b.updates]) Y.applyUpdate(union, update);
  return { a: a.updates, b: b.updates, union };
}

/**
 * The contract with two writers on the same data (two processes on one SQLite file, two cluster
 * nodes on one PostgreSQL database): seqs stay gapless and unique across both, each sees what
 * the other committed, and a compaction by one never loses what the other appends meanwhile.
 */
export function describeTwoWriterContract(
  name: string,
  factory: () => Promise<StorageFixture>,
): void {
  describe(`${name}: two writers`, () => {
    let fixture: StorageFixture;
    let first: Storage;
    let second: Storage;

    beforeEach(async (context) => {
      fixture = await factory();
      if (fixture.openSecond === undefined) {
        await fixture.cleanup();
        context.skip();
      }
      first = fixture.storage;
      second = await fixture.openSecond!();
    });

    afterEach(async () => {
      if (fixture.openSecond !== undefined) await fixture.cleanup();
    });

    it('hands out gapless, unique seqs across both writers, and each reads the other', async () => {
      const { a, b, union } = concurrentEdits(60);
      const appends: Promise<number>[] = [];
      for (let i = 0; i < 60; i++) {
        appends.push(first.append('board', a[i]!), second.append('board', b[i]!));
      }
      const seqs = await Promise.all(appends);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs.map((_, i) => i + 1));
      // Each writer's own records keep their issue order.
      const firstSeqs = seqs.filter((_, i) => i % 2 === 0);
      expect([...firstSeqs].sort((x, y) => x - y)).toEqual(firstSeqs);

      for (const reader of [first, second]) {
        const loaded = await reader.load('board');
        expect(loaded.lastSeq).toBe(120);
        expectSameBoard(loaded.updates, union);
        expect(await reader.headSeqs(['board'])).toEqual(new Map([['board', 120]]));
      }
      const tail = await second.readSince('board', 100);
      expect(tail.updates).toHaveLength(20);
      expect(tail.lastSeq).toBe(120);
    });

    it('loses nothing when one compacts while the other appends', async () => {
      const { a, b, union } = concurrentEdits(200);
      for (let i = 0; i < 20; i++) await first.append('board', a[i]!);
      const compactions: Promise<unknown>[] = [];
      const appends: Promise<number>[] = [];
      for (let i = 20; i < 200; i++) {
        appends.push(first.append('board', a[i]!), second.append('board', b[i - 20]!));
        // The compacting writer compacts often, while the other writer's appends are in flight.
        if (i % 15 === 0) compactions.push(first.compact('board'));
      }
      for (let i = 180; i < 200; i++) appends.push(second.append('board', b[i]!));
      await Promise.all([...appends, ...compactions]);
      const finalCompaction = await first.compact('board');
      // Everything is compacted now, by this call or by one of the earlier ones that ran after
      // the last append (a backend may run a writer's compactions one after another).
      expect(finalCompaction.throughSeq).toBe(400);

      for (const reader of [first, second]) {
        const loaded = await reader.load('board');
        expect(loaded.lastSeq).toBe(400);
        expect(loaded.updates).toHaveLength(1);
        expectSameBoard(loaded.updates, union);
      }
      // Seqs continue after the compacted range on both writers.
      expect(await second.append('board', Uint8Array.of(0, 0))).toBe(401);
    });

    it('loses nothing when both compact at once', async () => {
      const { a, b, union } = concurrentEdits(100);
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 100; i++) {
        work.push(first.append('board', a[i]!), second.append('board', b[i]!));
        if (i % 10 === 9) work.push(first.compact('board'), second.compact('board'));
      }
      await Promise.all(work);
      const loaded = await second.load('board');
      expect(loaded.lastSeq).toBe(200);
      expectSameBoard(loaded.updates, union);
    });
  });
}
