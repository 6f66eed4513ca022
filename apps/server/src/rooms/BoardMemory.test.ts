import { ErrorCode, scanUpdate } from '@drawbridge/protocol';
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import type { Logger } from '../logger.js';
import { MemoryStorage } from '../storage/MemoryStorage.js';
import { updateOf } from '../testing/updates.js';
import { BoardMemory, defaultLoadedBoardBytes, MemoryRefusal } from './BoardMemory.js';
import type { BoardRoom } from './BoardRoom.js';
import { RoomManager } from './RoomManager.js';
import { roomDeps } from './testing/roomKit.js';

/** A member's update of about `bytes` bytes to `doc` (one string value). */
const contentOf = (doc: Y.Doc, key: string, bytes: number) =>
  updateOf(doc, () => doc.getMap('m').set(key, 'x'.repeat(bytes)));

/** The stored size of every loaded board, as their logs count it. */
const loadedBytes = (rooms: RoomManager) => rooms.loaded().reduce((sum, r) => sum + r.log.bytes, 0);

const write = async (room: BoardRoom, update: Uint8Array) => {
  await room.applyUpdate(update, scanUpdate(update), 'm').durable;
};

const managerWith = (storage: MemoryStorage, budget: number, idleUnloadMs = 60_000) => {
  const memory = new BoardMemory(budget);
  const rooms = new RoomManager({ ...roomDeps(storage, { memory }), idleUnloadMs });
  return { memory, rooms };
};

describe('BoardMemory', () => {
  it('refuses what would pass the budget, asking the reliever first', () => {
    const memory = new BoardMemory(100);
    const relieve = vi.fn();
    memory.setReliever(relieve);
    memory.add(60);
    expect(memory.full).toBe(false);
    memory.assertRoom(40, 'x');
    expect(relieve).not.toHaveBeenCalled();
    expect(() => memory.assertRoom(41, 'the update could not be taken')).toThrow(MemoryRefusal);
    expect(relieve).toHaveBeenCalledTimes(1);
    memory.add(40);
    expect(memory.full).toBe(true);
    memory.add(-100);
    expect(memory.used).toBe(0);
  });

  it('holds reserved bytes against the budget until released, once', () => {
    const memory = new BoardMemory(100);
    const release = memory.reserve(70, 'a paste');
    expect(memory.reserved).toBe(70);
    expect(() => memory.assertRoom(31, 'x')).toThrow(MemoryRefusal);
    expect(() => memory.reserve(31, 'another paste')).toThrow(MemoryRefusal);
    expect(memory.reserved).toBe(70);
    memory.add(70); // what the paste stored, counted twice until released
    expect(memory.full).toBe(true);
    release();
    release();
    expect(memory.reserved).toBe(0);
    memory.assertRoom(30, 'x');
  });

  it('logs refusals at most once per 10 s', () => {
    let now = 0;
    const warn = vi.fn();
    const noop = () => {};
    const logger: Logger = { debug: noop, info: noop, warn, error: noop, child: () => logger };
    const memory = new BoardMemory(10, logger, { now: () => now });
    expect(() => memory.assertRoom(11, 'the update could not be taken')).toThrow(MemoryRefusal);
    now += 9_999;
    expect(memory.refusal('board b could not be loaded')).toBeInstanceOf(MemoryRefusal);
    expect(warn).toHaveBeenCalledTimes(1);
    now += 1;
    memory.refusal('board b could not be loaded');
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenLastCalledWith(
      { loadedBytes: 0, budget: 10 },
      expect.stringMatching(/MAX_LOADED_BOARD_BYTES.*board b could not be loaded/),
    );
  });

  it('is a retryable STORAGE_ERROR naming the setting', () => {
    const error = new MemoryRefusal('the board could not be loaded');
    expect(error.code).toBe(ErrorCode.STORAGE_ERROR);
    expect(error.message).toMatch(/^the board could not be loaded: .*MAX_LOADED_BOARD_BYTES/);
  });

  it('defaults to the heap limit over 64', () => {
    expect(defaultLoadedBoardBytes(4096 * 2 ** 20)).toBe(64 * 2 ** 20);
    expect(defaultLoadedBoardBytes()).toBeGreaterThan(0);
  });

  it('counts what loaded boards hold through appends, compaction and unloads', async () => {
    const storage = new MemoryStorage();
    const { memory, rooms } = managerWith(storage, 10_000_000, 10);
    const a = await rooms.acquire('a');
    const b = await rooms.acquire('b');
    a.addMember('m');
    b.addMember('m');
    const docA = new Y.Doc();
    const docB = new Y.Doc();
    for (let i = 0; i < 5; i++) await write(a, contentOf(docA, `k${i}`, 1000));
    await write(b, contentOf(docB, 'k', 3000));
    expect(memory.used).toBe(loadedBytes(rooms));
    expect(memory.used).toBeGreaterThan(8000);
    await a.log.compact();
    expect(a.log.recordsSinceSnapshot).toBe(0);
    expect(memory.used).toBe(loadedBytes(rooms));
    a.removeMember('m');
    rooms.releaseIfIdle('a');
    await vi.waitFor(() => expect(rooms.get('a')).toBeUndefined());
    await vi.waitFor(() => expect(memory.used).toBe(b.log.bytes));
    // Loaded again: counted again, once.
    const again = await rooms.acquire('a');
    await again.whenReady();
    expect(memory.used).toBe(loadedBytes(rooms));
    await rooms.close();
    expect(memory.used).toBe(0);
  });

  it('refuses an update past the budget, leaving the board unchanged, and takes it once there is room', async () => {
    const storage = new MemoryStorage();
    const { memory, rooms } = managerWith(storage, 5000);
    const busy = await rooms.acquire('busy');
    busy.addMember('m');
    const idle = await rooms.acquire('idle');
    idle.addMember('m');
    await write(idle, contentOf(new Y.Doc(), 'k', 2500));
    const doc = new Y.Doc();
    await write(busy, contentOf(doc, 'a', 1500));
    const past = contentOf(doc, 'b', 1500);
    const before = Y.encodeStateAsUpdate(busy.doc);
    expect(() => busy.applyUpdate(past, scanUpdate(past), 'm')).toThrow(MemoryRefusal);
    expect(Y.encodeStateAsUpdate(busy.doc)).toEqual(before);
    // Nothing new is never refused: a rejoin's resend of what the board has still passes.
    expect(busy.applyUpdate(before, scanUpdate(before), 'm').integrated).toBe(false);
    // The other board's member leaves: the next refusal unloads it, and the retry passes.
    idle.removeMember('m');
    rooms.releaseIfIdle('idle');
    expect(() => busy.applyUpdate(past, scanUpdate(past), 'm')).toThrow(MemoryRefusal);
    await vi.waitFor(() => expect(rooms.get('idle')).toBeUndefined());
    await vi.waitFor(() => expect(memory.used).toBe(busy.log.bytes));
    await write(busy, past);
    expect(busy.doc.getMap('m').get('b')).toHaveLength(1500);
    await rooms.close();
  });

  it('unloads boards nobody is on to load another, and refuses the load when none is left', async () => {
    const storage = new MemoryStorage();
    const updates = [contentOf(new Y.Doc(), 'k', 1600), contentOf(new Y.Doc(), 'k', 1600)];
    // Exactly what the two boards will hold.
    const { memory, rooms } = managerWith(storage, updates[0]!.byteLength + updates[1]!.byteLength);
    const kept = await rooms.acquire('kept');
    kept.addMember('m');
    await write(kept, updates[0]!);
    const left = await rooms.acquire('left');
    left.addMember('m');
    await write(left, updates[1]!);
    expect(memory.full).toBe(true);
    // A loaded board is joined whatever the budget.
    expect(await rooms.acquire('kept')).toBe(kept);
    left.removeMember('m');
    rooms.releaseIfIdle('left');
    const fresh = await rooms.acquire('fresh');
    expect(rooms.get('left')).toBeUndefined();
    fresh.addMember('m');
    // A stored board loads when it fits: 'left' again (1.6 KB) just does.
    const back = await rooms.acquire('left');
    back.addMember('m');
    await back.whenReady();
    expect(back.doc.getMap('m').get('k')).toHaveLength(1600);
    expect(memory.full).toBe(true);
    await expect(rooms.acquire('another')).rejects.toThrow(MemoryRefusal);
    expect(rooms.get('another')).toBeUndefined();
    // Its stored content is untouched by the refusal.
    expect((await storage.load('left')).updates.length).toBeGreaterThan(0);
    await rooms.close();
  });

  it('loads a stored board only if it fits: of two loaded at once with room for one, one is refused', async () => {
    const storage = new MemoryStorage();
    const updates = [contentOf(new Y.Doc(), 'k', 1600), contentOf(new Y.Doc(), 'k', 1600)];
    await storage.append('one', updates[0]!);
    await storage.append('two', updates[1]!);
    const budget = updates[0]!.byteLength + updates[1]!.byteLength - 1;
    const { memory, rooms } = managerWith(storage, budget);
    // A board that holds the budget alone still opens when no other is held.
    const { rooms: alone } = managerWith(storage, updates[0]!.byteLength - 1);
    expect((await alone.acquire('one')).log.bytes).toBe(updates[0]!.byteLength);
    await alone.close();
    const results = await Promise.allSettled([rooms.acquire('one'), rooms.acquire('two')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(MemoryRefusal);
    expect(rooms.size).toBe(1);
    expect(memory.used).toBe(rooms.loaded()[0]!.log.bytes);
    await rooms.close();
  });
});
