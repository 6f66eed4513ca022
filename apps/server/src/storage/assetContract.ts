import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  asset,
  type BoardDataContext,
  boardWriter,
  DAY,
  image,
  MB,
  T0,
  take,
} from './testing/boardDataKit.js';

export function assetCases(context: () => BoardDataContext): void {
  it('stores bytes once by hash, and serves them only to boards that hold them', async () => {
    const { put, assets } = context();
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
    const { put, assets } = context();
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
    const { put, assets } = context();
    const list = [asset('x', 10), asset('y', 20), asset('z', 30)];
    for (const a of list) await put('many', a);
    const got = await assets.getMany(
      'many',
      [list[2]!.assetId, list[0]!.assetId, asset('nope').assetId, list[1]!.assetId],
      45,
    );
    expect(got.map((a) => a.bytes)).toEqual([30, 10]);
  });

  it('collects assets nothing refers to after the grace period, and keeps the rest', async () => {
    const { put, assets, versions, storage } = context();
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
    const { put, assets, versions, storage } = context();
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

  it('stores a large image whole, once for every board, and deletes it whole', async () => {
    const { put, assets } = context();
    // Larger than any backend's part or page, and not a multiple of one.
    const big = asset('big', Math.round(1.3 * MB) + 3);
    // Two boards upload the same bytes at once: both hold it, stored once.
    const both = await Promise.all([put('big-1', big), put('big-2', big)]);
    expect(both).toEqual([
      expect.objectContaining({ ok: true }),
      expect.objectContaining({ ok: true }),
    ]);
    expect(both.map((r) => (r as { created: boolean }).created).sort()).toEqual([false, true]);
    // Compared by hash (the id): a deep equality of megabytes takes seconds.
    const hashOf = (data: Uint8Array | undefined) =>
      data && createHash('sha256').update(data).digest('hex');
    for (const board of ['big-1', 'big-2']) {
      expect(hashOf((await assets.get(board, big.assetId))?.data)).toBe(big.assetId);
      expect(await assets.usage(board)).toEqual({ count: 1, bytes: big.data.byteLength });
    }
    const [many] = await assets.getMany('big-1', [big.assetId], 10 * MB);
    expect(hashOf(many?.data)).toBe(big.assetId);
    // A board without room gets nothing, however large.
    expect(await put('small-room', big, MB)).toMatchObject({ ok: false, reason: 'board-full' });
    expect(await assets.get('small-room', big.assetId)).toBeNull();

    await assets.deleteBoard('big-1');
    expect(await assets.get('big-1', big.assetId)).toBeNull();
    expect(await assets.get('big-2', big.assetId)).not.toBeNull();
    await assets.deleteBoard('big-2');
    // The bytes are gone: uploading them again stores them anew.
    expect(await put('big-3', big)).toMatchObject({ ok: true, created: true });
    expect(hashOf((await assets.get('big-3', big.assetId))?.data)).toBe(big.assetId);
  });

  it('never serves damaged asset or version bytes', async (test) => {
    const { put, assets, versions, storage, fixture } = context();
    if (!fixture.damageAsset || !fixture.damageVersions) return test.skip();
    const a = asset('rot');
    const big = asset('rot-big', Math.round(1.3 * MB));
    await put('rot', a);
    await put('rot', big);
    const board = boardWriter(storage, 'rot');
    await board.edit((m) => m.addShape(image(a.assetId)));
    await take(versions, 'rot', T0);
    await fixture.damageAsset(a.assetId);
    await fixture.damageAsset(big.assetId);
    await fixture.damageVersions('rot');
    expect(await assets.get('rot', a.assetId)).toBeNull();
    expect(await assets.get('rot', big.assetId)).toBeNull();
    expect(await assets.getMany('rot', [a.assetId, big.assetId], 10 * MB)).toEqual([]);
    const [listed] = await versions.list('rot');
    expect(await versions.get('rot', listed!.versionId)).toBeNull();
  });
}
