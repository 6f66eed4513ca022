/**
 * The behaviour every backend's images and versions must show (see `AssetStore.ts` and
 * `VersionStore.ts`): content addressing, board totals, access by link, collection of what
 * nothing refers to, versions taken only when something changed, retention, credit for
 * editors, one taker at a time across writers, and damaged rows never served.
 */
import { createHash } from 'node:crypto';
import { BoardModel, type NewShape } from '@drawbridge/board';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { AssetStore, NewAsset } from './AssetStore.js';
import type { Storage } from './Storage.js';
import type { RetentionPolicy, TakeOptions, VersionStore } from './VersionStore.js';

export interface BoardDataFixture {
  storage: Storage & { assets: AssetStore; versions: VersionStore };
  /** Another writer on the same database. */
  openSecond?: () => Promise<Storage & { assets: AssetStore; versions: VersionStore }>;
  /** Damages the stored bytes of an asset. */
  damageAsset?: (assetId: string) => Promise<void>;
  /** Damages the stored bytes of every version of a board. */
  damageVersions?: (boardId: string) => Promise<void>;
  cleanup: () => Promise<void>;
}

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 10, 12);
const RETENTION: RetentionPolicy = { keepAllMs: DAY, keepDailyMs: 30 * DAY };
const MB = 1024 * 1024;

export function asset(seed: string, size = 64): NewAsset {
  const data = new Uint8Array(size);
  const digest = createHash('sha256').update(seed).digest();
  for (let i = 0; i < size; i++) data[i] = digest[i % digest.length]! ^ (i & 0xff);
  return {
    assetId: createHash('sha256').update(data).digest('hex'),
    type: 'image/png',
    width: 4,
    height: 2,
    data,
  };
}

const image = (assetId: string, x = 0): NewShape =>
  ({
    type: 'image',
    x,
    y: 0,
    w: 40,
    h: 20,
    stroke: '#1e1e1e',
    fill: 'none',
    strokeWidth: 0,
    assetId,
    naturalWidth: 4,
    naturalHeight: 2,
  }) as NewShape;

/** A client's board whose every edit is appended to storage, as the server would. */
function boardWriter(storage: Storage, boardId: string) {
  const doc = new Y.Doc();
  const model = new BoardModel(doc);
  const pending: Promise<number>[] = [];
  doc.on('update', (update: Uint8Array) => pending.push(storage.append(boardId, update)));
  return {
    model,
    doc,
    /** Runs an edit and waits until it is stored. */
    async edit(fn: (model: BoardModel) => void): Promise<void> {
      fn(model);
      await Promise.all(pending.splice(0));
    },
  };
}

const take = (
  versions: VersionStore,
  boardId: string,
  now: number,
  reason: TakeOptions['reason'] = 'leave',
  minIntervalMs = 10 * 60 * 1000,
) => versions.take(boardId, { reason, now, minIntervalMs, retention: RETENTION });

export function describeBoardDataContract(
  name: string,
  factory: () => Promise<BoardDataFixture>,
): void {
  describe(`${name}: images and versions`, () => {
    let fixture: BoardDataFixture;
    let assets: AssetStore;
    let versions: VersionStore;
    let storage: BoardDataFixture['storage'];

    beforeEach(async () => {
      fixture = await factory();
      storage = fixture.storage;
      assets = storage.assets;
      versions = storage.versions;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    const put = (boardId: string, a: NewAsset, maxBoardBytes = 10 * MB, now = T0) =>
      assets.put(boardId, a, { maxBoardBytes, now });

    it('stores bytes once by hash, and serves them only to boards that hold them', async () => {
      const a = asset('a');
      expect(await put('one', a)).toMatchObject({ ok: true, created: true });
      expect(await put('one', a)).toMatchObject({ ok: true, created: false });
      expect(await put('two', a)).toMatchObject({
        ok: true,
        created: false,
        asset: { assetId: a.assetId, type: 'image/png', width: 4, height: 2, bytes: 64 },
      });
      for (const board of ['one', 'two']) {
        const got = await assets.get(board, a.assetId);
        expect(got?.data).toEqual(a.data);
        expect(got).toMatchObject({ assetId: a.assetId, type: 'image/png', bytes: 64 });
      }
      // Knowing the hash is not access.
      expect(await assets.get('three', a.assetId)).toBeNull();
      expect(await assets.get('one', asset('missing').assetId)).toBeNull();
      expect(await assets.usage('one')).toEqual({ count: 1, bytes: 64 });
    });

    it("refuses an upload past the board's total, storing nothing", async () => {
      const [a, b, c] = [asset('a', 100), asset('b', 100), asset('c', 100)];
      expect(await put('full', a, 250)).toMatchObject({ ok: true });
      expect(await put('full', b, 250)).toMatchObject({ ok: true });
      expect(await put('full', c, 250)).toEqual({
        ok: false,
        reason: 'board-full',
        used: 200,
        limit: 250,
      });
      // Re-adding what the board holds never counts twice.
      expect(await put('full', a, 250)).toMatchObject({ ok: true, created: false });
      expect((await assets.list('full')).map((x) => x.assetId)).toEqual([a.assetId, b.assetId]);
      expect(await assets.get('full', c.assetId)).toBeNull();
      // Nothing of the refused upload is stored, for any board.
      expect(await put('other', c)).toMatchObject({ ok: true, created: true });
    });

    it('reads several at once within a byte budget', async () => {
      const list = [asset('x', 10), asset('y', 20), asset('z', 30)];
      for (const a of list) await put('many', a);
      const got = await assets.getMany(
        'many',
        [list[2]!.assetId, list[0]!.assetId, asset('nope').assetId, list[1]!.assetId],
        45,
      );
      expect(got.map((a) => a.bytes)).toEqual([30, 10]);
    });

    it('takes a version only when the board stored something since the last one', async () => {
      expect(await take(versions, 'v', T0)).toEqual({ taken: false, skipped: 'empty' });
      const board = boardWriter(storage, 'v');
      await board.edit((m) => m.addShape(image(asset('a').assetId)));
      await board.edit((m) => m.setName('First'));
      const first = await take(versions, 'v', T0);
      expect(first).toMatchObject({ taken: true, version: { boardId: 'v', reason: 'leave' } });
      expect(await take(versions, 'v', T0 + HOUR)).toEqual({ taken: false, skipped: 'unchanged' });

      await board.edit((m) => m.setName('Second'));
      // A periodic version waits out the interval; a leave does not.
      expect(await take(versions, 'v', T0 + 60_000, 'periodic')).toEqual({
        taken: false,
        skipped: 'recent',
      });
      const second = await take(versions, 'v', T0 + 11 * 60_000, 'periodic');
      expect(second).toMatchObject({ taken: true, version: { reason: 'periodic' } });

      const list = await versions.list('v');
      expect(list.map((v) => v.createdAt)).toEqual([T0 + 11 * 60_000, T0]);
      expect(list[0]!.throughSeq).toBeGreaterThan(list[1]!.throughSeq);
      const stored = await versions.get('v', list[1]!.versionId);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, stored!.state);
      expect(new BoardModel(doc).name).toBe('First');
      expect(new BoardModel(doc).shapes().map((s) => s.type)).toEqual(['image']);
      expect(stored!.info).toEqual(list[1]);
      expect(stored!.info.bytes).toBe(stored!.state.byteLength);
      // A version belongs to its board.
      expect(await versions.get('other', list[1]!.versionId)).toBeNull();
      expect(await versions.get('v', 987_654)).toBeNull();
    });

    it('credits the people noted since the last version, once', async () => {
      const board = boardWriter(storage, 'people');
      await versions.noteEditors('people', ['Bob', 'Ada'], T0);
      await versions.noteEditors('people', ['Ada'], T0 + 1);
      await board.edit((m) => m.setName('x'));
      const first = await take(versions, 'people', T0 + 2);
      expect(first).toMatchObject({ taken: true, version: { editors: ['Ada', 'Bob'] } });
      await versions.noteEditors('people', ['Cy'], T0 + 3);
      await board.edit((m) => m.setName('y'));
      await take(versions, 'people', T0 + HOUR);
      expect((await versions.list('people')).map((v) => v.editors)).toEqual([
        ['Cy'],
        ['Ada', 'Bob'],
      ]);
    });

    it('thins versions: all of the last day, then the newest of each day for 30 days', async () => {
      const board = boardWriter(storage, 'thin');
      // Two versions a day for 40 days, then five in the last hours, then one now (its take
      // thins by the age at T0).
      const times: number[] = [];
      for (let day = 40; day >= 1; day--) times.push(T0 - day * DAY, T0 - day * DAY + HOUR);
      for (let h = 5; h >= 1; h--) times.push(T0 - h * HOUR);
      times.push(T0);
      for (const [i, at] of times.entries()) {
        await board.edit((m) => m.setName(`v${i}`));
        expect(await take(versions, 'thin', at)).toMatchObject({ taken: true });
      }
      const kept = (await versions.list('thin')).map((v) => v.createdAt);
      const expected = [
        ...[0, 1, 2, 3, 4, 5].map((h) => T0 - h * HOUR),
        // Younger than a day; the one of 12:00 that day is exactly a day old, and its day has
        // a newer version already.
        T0 - DAY + HOUR,
        // Each older day's newest (the second of the day) while younger than 30 days.
        ...Array.from({ length: 29 }, (_, i) => T0 - (i + 2) * DAY + HOUR),
      ];
      expect(kept).toEqual(expected);
    });

    it('collects assets nothing refers to after the grace period, and keeps the rest', async () => {
      const grace = DAY;
      const [inShape, deleted, neverUsed, shared, recent] = ['s', 'd', 'n', 'sh', 'r'].map((s) =>
        asset(s),
      );
      for (const a of [inShape!, deleted!, neverUsed!, shared!]) await put('gc', a);
      await put('keeper', shared!);
      await put('gc', recent!, 10 * MB, T0 + 3 * DAY);
      const keeper = boardWriter(storage, 'keeper');
      await keeper.edit((m) => m.addShape(image(shared!.assetId)));
      await take(versions, 'keeper', T0);
      const board = boardWriter(storage, 'gc');
      await board.edit((m) => m.addShapes([image(inShape!.assetId), image(deleted!.assetId, 100)]));
      const ids = () => assets.list('gc').then((list) => list.map((a) => a.assetId).sort());

      // Edited and no version yet: nothing of the board is collected, however old.
      expect(await assets.collectGarbage({ now: T0 + 2 * DAY, graceMs: grace })).toEqual({
        links: 0,
        assets: 0,
      });

      // A version that refers to two of them: the one never used goes, its bytes too; the
      // shared one goes from this board only.
      await take(versions, 'gc', T0 + DAY);
      const report = await assets.collectGarbage({ now: T0 + 2 * DAY, graceMs: grace });
      expect(report).toEqual({ links: 2, assets: 1 });
      expect(await ids()).toEqual([inShape!.assetId, deleted!.assetId, recent!.assetId].sort());
      expect(await assets.get('keeper', shared!.assetId)).not.toBeNull();

      // Deleted from the board: kept while a kept version still shows it.
      const shapeOf = (assetId: string) =>
        board.model.shapes().find((s) => 'assetId' in s && s.assetId === assetId)!.id;
      await board.edit((m) => m.deleteShapes([shapeOf(deleted!.assetId)]));
      await take(versions, 'gc', T0 + 2 * DAY);
      await assets.collectGarbage({ now: T0 + 3 * DAY, graceMs: grace });
      expect(await ids()).toContain(deleted!.assetId);

      // Once retention dropped every version that showed it, it goes.
      await board.edit((m) => m.setName('later'));
      await take(versions, 'gc', T0 + 40 * DAY);
      expect(await assets.collectGarbage({ now: T0 + 40 * DAY, graceMs: grace })).toEqual({
        links: 2,
        assets: 2,
      });
      expect(await ids()).toEqual([inShape!.assetId]);
    });

    it("deletes a board's images and versions, and only bytes no other board holds", async () => {
      const [own, shared] = [asset('own'), asset('shared')];
      await put('doomed', own!);
      await put('doomed', shared!);
      await put('other', shared!);
      const board = boardWriter(storage, 'doomed');
      await board.edit((m) => m.addShape(image(own!.assetId)));
      await versions.noteEditors('doomed', ['Ada'], T0);
      await take(versions, 'doomed', T0);
      const sized = async () => ({
        assets: await assets.boardBytes(['doomed', 'other', 'nobody']),
        versions: await versions.boardBytes(['doomed', 'nobody']),
      });
      const before = await sized();
      expect(before.assets).toEqual(
        new Map([
          ['doomed', own!.data.byteLength + shared!.data.byteLength],
          ['other', shared!.data.byteLength],
          ['nobody', 0],
        ]),
      );
      expect(before.versions.get('doomed')).toBeGreaterThan(0);
      expect(before.versions.get('nobody')).toBe(0);

      await assets.deleteBoard('doomed');
      await versions.deleteBoard('doomed');
      expect(await assets.list('doomed')).toEqual([]);
      expect(await versions.list('doomed')).toEqual([]);
      expect((await sized()).assets.get('doomed')).toBe(0);
      expect((await sized()).versions.get('doomed')).toBe(0);
      expect(await assets.get('other', shared!.assetId)).not.toBeNull();
      // The bytes are gone: another board uploading them stores them anew.
      expect(await put('fresh', own!)).toMatchObject({ ok: true, created: true });
    });

    it('never serves damaged asset or version bytes', async (context) => {
      if (!fixture.damageAsset || !fixture.damageVersions) return context.skip();
      const a = asset('rot');
      await put('rot', a);
      const board = boardWriter(storage, 'rot');
      await board.edit((m) => m.addShape(image(a.assetId)));
      await take(versions, 'rot', T0);
      await fixture.damageAsset(a.assetId);
      await fixture.damageVersions('rot');
      expect(await assets.get('rot', a.assetId)).toBeNull();
      expect(await assets.getMany('rot', [a.assetId], 10 * MB)).toEqual([]);
      const [listed] = await versions.list('rot');
      expect(await versions.get('rot', listed!.versionId)).toBeNull();
    });

    it('lets one writer take a periodic version when several try at once', async (context) => {
      if (!fixture.openSecond) return context.skip();
      const others = [await fixture.openSecond(), await fixture.openSecond()];
      const board = boardWriter(storage, 'race');
      await board.edit((m) => m.setName('once'));
      const results = await Promise.all(
        [storage, ...others].map((s) => take(s.versions, 'race', T0, 'periodic')),
      );
      expect(results.filter((r) => r.taken)).toHaveLength(1);
      expect(await versions.list('race')).toHaveLength(1);
    });
  });
}
