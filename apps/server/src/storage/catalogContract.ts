import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from './Storage.js';
import {
  edits,
  expectSameBoard,
  recordingDoc,
  type StorageFixture,
} from './testing/contractKit.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');

/**
 * The behaviour every backend's `links` and `boards` must show (see `Catalog.ts`), with one
 * writer and, where the fixture opens one, a second writer on the same data (a cluster node).
 */
export function describeCatalogContract(
  name: string,
  factory: () => Promise<StorageFixture>,
): void {
  describe(`${name}: links and board catalog`, () => {
    let fixture: StorageFixture;
    let storage: Storage;

    beforeEach(async () => {
      fixture = await factory();
      storage = fixture.storage;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    const mint = (id: string, scope: string, createdAt: number) =>
      storage.links.record({ id, scope, role: 'viewer', createdAt, expiresAt: createdAt + 60_000 });

    it('records links per scope, newest first, and revokes one idempotently', async () => {
      await mint('link-a', 'board-1', T0);
      await mint('link-b', 'board-1', T0 + 1000);
      await mint('link-c', 'board-2', T0 + 2000);
      await storage.links.record({
        id: 'link-all',
        scope: '*',
        role: 'editor',
        createdAt: T0,
        expiresAt: T0 + 5000,
      });
      const listed = await storage.links.list('board-1');
      expect(listed).toEqual([
        {
          id: 'link-b',
          scope: 'board-1',
          role: 'viewer',
          createdAt: T0 + 1000,
          expiresAt: T0 + 61_000,
          revokedAt: null,
        },
        expect.objectContaining({ id: 'link-a', revokedAt: null }),
      ]);
      expect((await storage.links.list('*')).map((l) => l.id)).toEqual(['link-all']);
      expect(await storage.links.list('nothing-here')).toEqual([]);

      const revoked = await storage.links.revoke('board-1', 'link-a', T0 + 5000);
      expect(revoked).toMatchObject({ id: 'link-a', role: 'viewer', revokedAt: T0 + 5000 });
      // A second revocation keeps the first time.
      expect(await storage.links.revoke('board-1', 'link-a', T0 + 9000)).toMatchObject({
        revokedAt: T0 + 5000,
      });
      expect(await storage.links.state('board-1', 'link-a')).toEqual({
        createdAt: T0,
        revokedAt: T0 + 5000,
        revokedBefore: null,
      });
      expect(await storage.links.state('board-1', 'link-b')).toEqual({
        createdAt: T0 + 1000,
        revokedAt: null,
        revokedBefore: null,
      });
      // A link of another scope is not revoked through this one, and not reported as its own.
      expect(await storage.links.revoke('board-1', 'link-c', T0)).toBeNull();
      expect(await storage.links.state('board-1', 'link-c')).toMatchObject({ createdAt: null });
      expect((await storage.links.state('board-2', 'link-c')).revokedAt).toBeNull();
    });

    it('revokes a link it never recorded, and every link of a scope at once', async () => {
      const legacy = await storage.links.revoke('board-1', 'minted-offline', T0);
      expect(legacy).toEqual({
        id: 'minted-offline',
        scope: 'board-1',
        role: null,
        createdAt: null,
        expiresAt: null,
        revokedAt: T0,
      });
      expect(await storage.links.state('board-1', 'minted-offline')).toMatchObject({
        revokedAt: T0,
      });

      await mint('old-1', 'board-1', T0 + 100);
      await mint('old-2', 'board-1', T0 + 200);
      await mint('other', 'board-2', T0 + 100);
      const all = await storage.links.revokeAll('board-1', T0 + 1000);
      expect(all.sort()).toEqual(['old-1', 'old-2']);
      // A link minted after "revoke all" is not revoked by it.
      await mint('new', 'board-1', T0 + 2000);
      expect(await storage.links.state('board-1', 'new')).toEqual({
        createdAt: T0 + 2000,
        revokedAt: null,
        revokedBefore: T0 + 1000,
      });
      expect(await storage.links.state('board-1', 'unknown')).toEqual({
        createdAt: null,
        revokedAt: null,
        revokedBefore: T0 + 1000,
      });
      expect((await storage.links.list('board-1')).map((l) => [l.id, l.revokedAt])).toEqual([
        ['new', null],
        ['old-2', T0 + 1000],
        ['old-1', T0 + 1000],
        ['minted-offline', T0],
      ]);
      expect((await storage.links.state('board-2', 'other')).revokedBefore).toBeNull();

      // What a node that missed the pushes re-reads: revocations after a time.
      const recent = await storage.links.revokedSince(T0 + 500);
      expect(recent.links.map((l) => `${l.scope}/${l.id}`).sort()).toEqual([
        'board-1/old-1',
        'board-1/old-2',
      ]);
      expect(recent.scopes).toEqual([{ scope: 'board-1', revokedBefore: T0 + 1000 }]);
      expect(await storage.links.revokedSince(T0 + 1000)).toEqual({ links: [], scopes: [] });
      expect((await storage.links.revokedSince(T0 - 1)).links).toHaveLength(3);
    });

    it('lists stored boards with size and last change, and deletes one with its links', async () => {
      const before = Date.now();
      const one = recordingDoc();
      edits(one.doc, 0, 5);
      const two = recordingDoc();
      edits(two.doc, 100, 3);
      // Not awaited: the catalog must see appends queued before the call.
      for (const update of one.updates) void storage.append('board-1', update);
      for (const update of two.updates) void storage.append('board-2', update);
      const listed = await storage.boards.list();
      expect(listed.map((b) => b.id)).toEqual(['board-1', 'board-2']);
      const [first, second] = listed;
      expect(first!.bytes).toBe(one.updates.reduce((n, u) => n + u.byteLength, 0));
      expect(second!.bytes).toBe(two.updates.reduce((n, u) => n + u.byteLength, 0));
      expect(first!.updatedAt).toBeGreaterThanOrEqual(before - 1000);
      expect(first!.updatedAt).toBeLessThanOrEqual(Date.now() + 1000);
      expect(first!.name).toBeNull();

      // After compaction the size is the snapshot's.
      const compacted = await storage.compact('board-1');
      await storage.boards.setName('board-1', `Plans ${'x'.repeat(300)}`);
      await storage.boards.setName('never-stored', 'ignored');
      const after = (await storage.boards.list()).find((b) => b.id === 'board-1')!;
      expect(after.bytes).toBe(compacted.snapshotBytes);
      expect(after.name).toBe(`Plans ${'x'.repeat(194)}`);

      await mint('link-1', 'board-1', T0);
      await mint('link-2', 'board-2', T0);
      expect(await storage.boards.delete('board-1', T0 + 500)).toBe(true);
      expect(await storage.boards.delete('board-1', T0 + 600)).toBe(false);
      expect((await storage.boards.list()).map((b) => b.id)).toEqual(['board-2']);
      expect((await storage.load('board-1')).updates).toEqual([]);
      expect(await storage.headSeqs(['board-1'])).toEqual(new Map([['board-1', 0]]));
      expect(await storage.links.list('board-1')).toEqual([]);
      // Its links stay dead: the scope's "revoke all" survives the deletion.
      expect(await storage.links.state('board-1', 'link-1')).toEqual({
        createdAt: null,
        revokedAt: null,
        revokedBefore: T0 + 600,
      });
      expect(await storage.links.list('board-2')).toHaveLength(1);
      expectSameBoard((await storage.load('board-2')).updates, two.doc);

      // The id can be used again: a new board starts from seq 1.
      expect(await storage.append('board-1', one.updates[0]!)).toBe(1);
    });

    it('a second writer sees the links and the deletion', async (context) => {
      if (fixture.openSecond === undefined) context.skip();
      const second = await fixture.openSecond!();
      await mint('shared', 'board-1', T0);
      expect((await second.links.list('board-1')).map((l) => l.id)).toEqual(['shared']);
      await second.links.revoke('board-1', 'shared', T0 + 1);
      expect((await storage.links.state('board-1', 'shared')).revokedAt).toBe(T0 + 1);
      await storage.append('board-1', Uint8Array.of(0, 0));
      expect((await second.boards.list()).map((b) => b.id)).toEqual(['board-1']);
      await second.boards.delete('board-1', T0 + 2);
      expect(await storage.boards.list()).toEqual([]);
    });

    it('rejects catalog calls after close', async () => {
      await storage.close();
      await expect(storage.boards.list()).rejects.toThrow(/closed/);
      await expect(storage.links.list('b')).rejects.toThrow(/closed/);
    });
  });
}
