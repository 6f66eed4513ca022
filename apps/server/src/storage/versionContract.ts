/** The versions half of the board-data contract (see `VersionStore.ts`). */
import { BoardModel } from '@drawbridge/board';
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  asset,
  type BoardDataContext,
  boardWriter,
  DAY,
  HOUR,
  image,
  T0,
  take,
} from './testing/boardDataKit.js';

export function versionCases(context: () => BoardDataContext): void {
  it('takes a version only when the board stored something since the last one', async () => {
    const { versions, storage } = context();
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
    const { versions, storage } = context();
    const board = boardWriter(storage, 'people');
    await versions.noteEditors('people', ['Bob', 'Ada'], T0);
    await versions.noteEditors('people', ['Ada'], T0 + 1);
    await board.edit((m) => m.setName('x'));
    const first = await take(versions, 'people', T0 + 2);
    expect(first).toMatchObject({ taken: true, version: { editors: ['Ada', 'Bob'] } });
    await versions.noteEditors('people', ['Cy'], T0 + 3);
    await board.edit((m) => m.setName('y'));
    await take(versions, 'people', T0 + HOUR);
    expect((await versions.list('people')).map((v) => v.editors)).toEqual([['Cy'], ['Ada', 'Bob']]);
  });

  it('thins versions: all of the last day, then the newest of each day for 30 days', async () => {
    const { versions, storage } = context();
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

  it('lets one writer take a periodic version when several try at once', async (test) => {
    const { versions, storage, fixture } = context();
    if (!fixture.openSecond) return test.skip();
    const others = [await fixture.openSecond(), await fixture.openSecond()];
    const board = boardWriter(storage, 'race');
    await board.edit((m) => m.setName('once'));
    const results = await Promise.all(
      [storage, ...others].map((s) => take(s.versions, 'race', T0, 'periodic')),
    );
    expect(results.filter((r) => r.taken)).toHaveLength(1);
    expect(await versions.list('race')).toHaveLength(1);
  });
}
