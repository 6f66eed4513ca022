import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { MemoryStorage } from '../storage/MemoryStorage.js';
import { recordingLogger } from '../testing/logLines.js';
import { BoardLog } from './BoardLog.js';
import { BoardMemory } from './BoardMemory.js';

/** Storage whose appends fail while `failing`, or wait while `held` (then settle as told). */
class FlakyStorage extends MemoryStorage {
  failing = false;
  attempts = 0;
  held: { settle: (fail: boolean) => void }[] | null = null;
  override append(boardId: string, update: Uint8Array): Promise<number> {
    this.attempts++;
    const held = this.held;
    if (held) {
      return new Promise((resolve, reject) =>
        held.push({
          settle: (fail) =>
            fail
              ? reject(new Error('database or disk is full'))
              : super.append(boardId, update).then(resolve, reject),
        }),
      );
    }
    if (this.failing) return Promise.reject(new Error('database or disk is full'));
    return super.append(boardId, update);
  }
}

afterEach(() => {
  vi.useRealTimers();
});

/** `count` Yjs updates of one client, in order. */
function edits(count: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getMap('m').set(`k${i}`, i);
  return updates;
}

describe('BoardLog, while appends fail', () => {
  it('logs the first failure of an outage and its recovery, with the count, not each failure', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const storage = new FlakyStorage();
    const { logger, lines } = recordingLogger();
    const log = new BoardLog('b', await storage.load('b'), { storage, logger, compactEvery: 1000 });
    const failedLines = () => lines.filter((l) => l.msg === 'append failed');
    const recoveredLines = () =>
      lines.filter((l) => l.msg === 'stored updates whose append had failed');

    const updates = edits(26);
    const later = updates.pop()!;
    storage.failing = true;
    const appends = updates.map((update) => log.append(update));
    for (const append of appends) await expect(append).rejects.toThrow(/disk is full/);
    await expect(log.durable()).rejects.toThrow(/disk is full/);
    expect(failedLines()).toHaveLength(1);
    expect(failedLines()[0]).toMatchObject({
      boardId: 'b',
      err: { message: 'database or disk is full' },
    });

    storage.failing = false;
    await vi.advanceTimersByTimeAsync(500); // the retry stores them
    await log.durable();
    expect(recoveredLines()).toHaveLength(1);
    expect(recoveredLines()[0]).toMatchObject({ boardId: 'b', failedAppends: 25 });
    expect((await storage.load('b')).lastSeq).toBeGreaterThan(0);

    // The next outage is logged again.
    storage.failing = true;
    await expect(log.append(later)).rejects.toThrow(/disk is full/);
    expect(failedLines()).toHaveLength(2);
    storage.failing = false;
    await vi.advanceTimersByTimeAsync(500);
    await log.durable();
    expect(recoveredLines()[1]).toMatchObject({ failedAppends: 1 });
    log.close();
  });

  it('retries on one timer however many appends failed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const storage = new FlakyStorage();
    const { logger } = recordingLogger();
    const log = new BoardLog('b', await storage.load('b'), { storage, logger, compactEvery: 1000 });
    storage.failing = true;
    const appends = edits(25).map((update) => log.append(update));
    for (const append of appends) await expect(append).rejects.toThrow(/disk is full/);
    expect(storage.attempts).toBe(25);
    // Two seconds of a full disk: one retry every 500 ms, not one per failed append.
    await vi.advanceTimersByTimeAsync(2000);
    expect(storage.attempts).toBe(25 + 4);
    // A join tries once more; then the timer goes on as before.
    await expect(log.durable()).rejects.toThrow(/disk is full/);
    expect(storage.attempts).toBe(30);
    await vi.advanceTimersByTimeAsync(500);
    expect(storage.attempts).toBe(31);
    // Once the disk has room, the timer stores everything, and stops.
    storage.failing = false;
    await vi.advanceTimersByTimeAsync(500);
    expect(log.holdsUnstored).toBe(false);
    await vi.advanceTimersByTimeAsync(2000);
    expect(storage.attempts).toBe(32);
    await log.durable();
    log.close();
  });

  it('counts what waits to be stored in the board and the memory budget, once stored too', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const storage = new FlakyStorage();
    const memory = new BoardMemory(1 << 30);
    const { logger } = recordingLogger();
    const log = new BoardLog('b', await storage.load('b'), {
      storage,
      logger,
      compactEvery: 1000,
      memory,
    });
    const updates = edits(12);
    const size = (some: Uint8Array[]) => some.reduce((sum, u) => sum + u.byteLength, 0);
    await log.append(updates[0]!);
    const stored = log.bytes;
    expect(stored).toBe(updates[0]!.byteLength);
    // While the disk is full, the board grows by what it holds unstored, as the node's memory
    // does: a board kept live meanwhile meets its size limit and the budget as before.
    storage.failing = true;
    for (const update of updates.slice(1)) await expect(log.append(update)).rejects.toThrow();
    expect(log.bytes).toBe(stored + size(updates.slice(1)));
    expect(memory.used).toBe(log.bytes);
    // Retries (merged into one record) change nothing while they fail.
    await vi.advanceTimersByTimeAsync(1000);
    const merged = log.bytes;
    expect(merged).toBeGreaterThan(stored);
    expect(merged).toBeLessThanOrEqual(stored + size(updates.slice(1)));
    // Stored: counted once, as records.
    storage.failing = false;
    await log.durable();
    expect(log.bytes).toBe(merged);
    expect(memory.used).toBe(merged);
    expect(log.recordsSinceSnapshot).toBe(2);
    log.close();
    expect(memory.used).toBe(0);
  });

  it('answers a join only once a retry in flight has stored what it carries', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const storage = new FlakyStorage();
    const log = new BoardLog('b', await storage.load('b'), {
      storage,
      logger: recordingLogger().logger,
      compactEvery: 1000,
    });
    const [first, second] = edits(2);
    storage.failing = true;
    await expect(log.append(first!)).rejects.toThrow(/disk is full/);
    // The retry starts and hangs (a slow disk).
    storage.held = [];
    await vi.advanceTimersByTimeAsync(500);
    expect(storage.held).toHaveLength(1);
    let answered: 'stored' | 'refused' | null = null;
    log.durable().then(
      () => (answered = 'stored'),
      () => (answered = 'refused'),
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(answered).toBeNull();
    // The retry fails: so does the join.
    storage.held.splice(0)[0]!.settle(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(answered).toBe('refused');
    // The next retry hangs too; meanwhile another append fails.
    await vi.advanceTimersByTimeAsync(500);
    const hung = storage.held.splice(0)[0]!;
    storage.held = null;
    await expect(log.append(second!)).rejects.toThrow(/disk is full/);
    // The hung retry then succeeds: the later failure still gets a retry, and everything lands.
    storage.failing = false;
    hung.settle(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(log.holdsUnstored).toBe(false);
    const stored = new Y.Doc();
    for (const update of (await storage.load('b')).updates) Y.applyUpdate(stored, update);
    expect(stored.getMap('m').toJSON()).toEqual({ k0: 0, k1: 1 });
    log.close();
  });

  it('answers a join once what was appended before it is stored, while appends go on coming', async () => {
    const storage = new FlakyStorage();
    const log = new BoardLog('b', await storage.load('b'), {
      storage,
      logger: recordingLogger().logger,
      compactEvery: 1000,
    });
    const [first, second, third] = edits(3);
    // A board edited without a pause: a commit is always in flight.
    storage.held = [];
    const appended = [log.append(first!)];
    let answered = false;
    const join = log.durable().then(() => (answered = true));
    appended.push(log.append(second!));
    storage.held.shift()!.settle(false);
    appended.push(log.append(third!));
    await appended[0];
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(true);
    await join;
    expect(storage.held).toHaveLength(2);
    for (const held of storage.held.splice(0)) held.settle(false);
    await Promise.all(appended);
    log.close();
  });
});
