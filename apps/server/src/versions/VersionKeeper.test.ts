import { BoardModel } from '@drawbridge/board';
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { silentLogger } from '../logger.js';
import { MemoryStorage } from '../storage/MemoryStorage.js';
import type { TakeResult } from '../storage/VersionStore.js';
import { VersionKeeper } from './VersionKeeper.js';

const RETENTION = { keepAllMs: 24 * 3600_000, keepDailyMs: 30 * 24 * 3600_000 };

/** A board written to storage as the server stores members' updates. */
async function edit(storage: MemoryStorage, boardId: string, doc: Y.Doc, name: string) {
  const updates: Uint8Array[] = [];
  const record = (u: Uint8Array) => updates.push(u);
  doc.on('update', record);
  new BoardModel(doc).setName(name);
  doc.off('update', record);
  for (const update of updates) await storage.append(boardId, update);
}

function keeper(storage: MemoryStorage, intervalMs: number, now = () => Date.now()) {
  const results: { boardId: string; result: TakeResult }[] = [];
  const flushed: string[] = [];
  const instance = new VersionKeeper({
    versions: storage.versions,
    clock: { now },
    logger: silentLogger,
    intervalMs,
    retention: RETENTION,
    flush: async (boardId) => {
      flushed.push(boardId);
    },
    onTake: (boardId, result) => results.push({ boardId, result }),
  });
  return { keeper: instance, results, flushed };
}

describe('VersionKeeper', () => {
  it('takes a periodic version an interval after the first edit, crediting the editors', async () => {
    const storage = new MemoryStorage();
    const doc = new Y.Doc();
    const { keeper: k, results, flushed } = keeper(storage, 30);
    await edit(storage, 'b', doc, 'one');
    k.edited('b', ['Ada']);
    k.edited('b', ['Ada', 'Bo']);
    await vi.waitFor(() => expect(results).toHaveLength(1));
    expect(results[0]!.result).toMatchObject({
      taken: true,
      version: { reason: 'periodic', editors: ['Ada', 'Bo'] },
    });
    // The node's own appends were settled first.
    expect(flushed).toEqual(['b']);
    await k.close();
  });

  it('credits an edit made while a version is taken to the next version too', async () => {
    const storage = new MemoryStorage();
    const doc = new Y.Doc();
    let during: (() => void) | null = null;
    const results: TakeResult[] = [];
    const k = new VersionKeeper({
      versions: storage.versions,
      clock: { now: () => Date.now() },
      logger: silentLogger,
      intervalMs: 30,
      retention: RETENTION,
      flush: async () => {
        during?.();
        during = null;
      },
      onTake: (_boardId, result) => {
        results.push(result);
        // Bo's record is stored once the first version has read the board's head.
        if (results.length === 1) stored = edit(storage, 'b', doc, 'two');
      },
    });
    let stored: Promise<void> | null = null;
    await edit(storage, 'b', doc, 'one');
    // Bo's edit arrives while the first version is taken: Bo is noted at once, and the record
    // is stored only after the version read the board's head, so the next version holds it.
    during = () => k.edited('b', ['Bo']);
    k.edited('b', ['Ada']);
    await vi.waitFor(() => expect(stored).not.toBeNull());
    await stored;
    // (On a busy machine an attempt may find the first version too recent and try again.)
    const taken = () => results.flatMap((r) => (r.taken ? [r.version.editors] : []));
    await vi.waitFor(() => expect(taken()).toHaveLength(2));
    expect(taken()).toEqual([['Ada', 'Bo'], ['Bo']]);
    await k.close();
  });

  it('takes one when the last member leaves, and none when nothing changed', async () => {
    const storage = new MemoryStorage();
    const doc = new Y.Doc();
    const { keeper: k, results } = keeper(storage, 60_000);
    await edit(storage, 'b', doc, 'one');
    k.edited('b', ['Ada']);
    k.lastMemberLeft('b');
    await k.settled('b');
    expect(results.map((r) => r.result)).toEqual([
      expect.objectContaining({
        taken: true,
        version: expect.objectContaining({ reason: 'leave' }),
      }),
    ]);
    k.lastMemberLeft('b');
    await k.settled('b');
    expect(results.at(-1)!.result).toEqual({ taken: false, skipped: 'unchanged' });
    await k.close();
  });

  it('tries again after a version another node took within the interval', async () => {
    const storage = new MemoryStorage();
    const doc = new Y.Doc();
    // The versions' own clock, moved by hand: the interval is judged on it.
    let time = 1_000_000;
    const other = keeper(storage, 50, () => time);
    const mine = keeper(storage, 50, () => time);
    await edit(storage, 'b', doc, 'one');
    other.keeper.lastMemberLeft('b');
    await other.keeper.settled('b');
    await edit(storage, 'b', doc, 'two');
    mine.keeper.edited('b', ['Ada']);
    // The first attempt finds the other node's version too recent; the next one takes it.
    await vi.waitFor(() => expect(mine.results).toHaveLength(1));
    expect(mine.results[0]!.result).toEqual({ taken: false, skipped: 'recent' });
    time += 60;
    await vi.waitFor(() => expect(mine.results).toHaveLength(2));
    expect(mine.results[1]!.result).toMatchObject({ taken: true });
    expect((await storage.versions.list('b')).map((v) => v.reason)).toEqual(['periodic', 'leave']);
    await Promise.all([mine.keeper.close(), other.keeper.close()]);
  });

  it('takes the versions still due when it closes', async () => {
    const storage = new MemoryStorage();
    const doc = new Y.Doc();
    const { keeper: k, results } = keeper(storage, 60_000);
    await edit(storage, 'b', doc, 'one');
    k.edited('b', ['Ada']);
    await k.close();
    expect(results.map((r) => r.result)).toEqual([
      expect.objectContaining({
        taken: true,
        version: expect.objectContaining({ reason: 'shutdown' }),
      }),
    ]);
    // Closed: later activity is ignored.
    k.edited('b', ['Bo']);
    k.lastMemberLeft('b');
    expect(results).toHaveLength(1);
  });
});
