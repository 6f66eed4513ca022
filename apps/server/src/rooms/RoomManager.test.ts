import { ErrorCode, scanUpdate } from '@drawbridge/protocol';
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { MemoryStorage } from '../storage/MemoryStorage.js';
import { recordingLogger } from '../testing/logLines.js';
import { RoomManager } from './RoomManager.js';
import { clientDoc, roomDeps } from './testing/roomKit.js';

const manager = (storage: MemoryStorage, idleUnloadMs = 10) =>
  new RoomManager({ ...roomDeps(storage), idleUnloadMs });

describe('RoomManager', () => {
  it('shares one load between concurrent acquires', async () => {
    const storage = new MemoryStorage();
    const load = vi.spyOn(storage, 'load');
    const rooms = manager(storage);
    const [a, b] = await Promise.all([rooms.acquire('x'), rooms.acquire('x')]);
    expect(a).toBe(b);
    expect(load).toHaveBeenCalledTimes(1);
    await rooms.close();
  });

  it('unloads an idle board after flushing it and reloads it identically', async () => {
    const storage = new MemoryStorage();
    const rooms = manager(storage);
    const room = await rooms.acquire('x');
    room.addMember('m');
    const client = new Y.Doc();
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    client.getText('t').insert(0, 'keep me');
    client.getText('t').delete(0, 5);
    client.getMap('m').set('k', [1, 2, 3]);
    // Not awaited: the unload must flush these itself.
    for (const u of updates) void room.applyUpdate(u, scanUpdate(u), 'm').durable;
    room.removeMember('m');
    rooms.releaseIfIdle('x');
    await vi.waitFor(() => expect(rooms.size).toBe(0));
    const again = await rooms.acquire('x');
    expect(again).not.toBe(room);
    expect(Y.encodeStateVector(again.doc)).toEqual(Y.encodeStateVector(client));
    expect(again.doc.getText('t').toString()).toBe('me');
    expect(again.doc.getMap('m').toJSON()).toEqual({ k: [1, 2, 3] });
    await rooms.close();
  });

  it('keeps a board holding edits storage refused loaded until they are stored, however idle or pressed', async () => {
    // The idle delay and the room's retries on a clock of the test's.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const storage = new MemoryStorage();
      const append = storage.append.bind(storage);
      let full = true;
      storage.append = (boardId, update) =>
        full ? Promise.reject(new Error('disk is full')) : append(boardId, update);
      const rooms = manager(storage);
      const room = await rooms.acquire('x');
      room.addMember('m');
      const client = clientDoc();
      client.doc.getMap('m').set('refused', true);
      const update = client.updates[0]!;
      await expect(room.applyUpdate(update, scanUpdate(update), 'm').durable).rejects.toMatchObject(
        { code: ErrorCode.STORAGE_ERROR },
      );
      // Its member leaves (the tab closed). Idle, and unloaded for memory: still loaded, since
      // the edit is nowhere else here, and the room keeps trying to store it.
      room.removeMember('m');
      rooms.releaseIfIdle('x');
      await rooms.unloadIdle();
      await vi.advanceTimersByTimeAsync(2000); // the idle delay many times over, and retries
      expect(rooms.get('x')).toBe(room);
      expect(room.log.holdsUnstored).toBe(true);
      // Stored by the room's own retry, then unloaded once idle.
      full = false;
      await vi.advanceTimersByTimeAsync(2000);
      expect(room.log.holdsUnstored).toBe(false);
      expect(rooms.size).toBe(0);
      const again = await rooms.acquire('x');
      expect(again.doc.getMap('m').get('refused')).toBe(true);
      await rooms.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('says which boards it stops with while they hold edits storage refused', async () => {
    const storage = new MemoryStorage();
    storage.append = () => Promise.reject(new Error('disk is full'));
    const { logger, lines } = recordingLogger();
    const rooms = new RoomManager({ ...roomDeps(storage), logger, idleUnloadMs: 10 });
    const [refusing, quiet] = await Promise.all([rooms.acquire('x'), rooms.acquire('y')]);
    refusing.addMember('m');
    quiet.addMember('m');
    const client = clientDoc();
    client.doc.getMap('m').set('refused', true);
    const update = client.updates[0]!;
    await expect(refusing.applyUpdate(update, scanUpdate(update), 'm').durable).rejects.toThrow();
    await rooms.close();
    const stopping = lines.filter((l) => l.msg?.startsWith('stopping with edits storage refused'));
    expect(stopping.map((l) => l.boardId)).toEqual(['x']);
  });

  it('a join during the idle delay keeps the board loaded', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const storage = new MemoryStorage();
      const rooms = manager(storage, 20);
      const room = await rooms.acquire('x');
      rooms.releaseIfIdle('x');
      const same = await rooms.acquire('x');
      same.addMember('m');
      expect(same).toBe(room);
      vi.advanceTimersByTime(1000);
      expect(rooms.get('x')).toBe(room);
      // With the member gone, the same delay does unload it.
      same.removeMember('m');
      rooms.releaseIfIdle('x');
      vi.advanceTimersByTime(1000);
      expect(rooms.get('x')).toBeUndefined();
      await rooms.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a board being deleted is discarded without storing anything, and refuses loads meanwhile', async () => {
    let now = 1_000_000;
    const storage = new MemoryStorage();
    const rooms = new RoomManager({
      ...roomDeps(storage, { clock: { now: () => now } }),
      idleUnloadMs: 10,
    });
    const room = await rooms.acquire('x');
    room.addMember('m');
    const { doc, updates } = clientDoc();
    doc.getMap('m').set('k', 1);
    // Issued before the discard: it settles first, so nothing lands after a deletion.
    const durable = room.applyUpdate(updates[0]!, scanUpdate(updates[0]!), 'm').durable;
    room.removeMember('m');
    rooms.block('x', 5000);
    await rooms.discard('x');
    await durable;
    expect(rooms.get('x')).toBeUndefined();
    // No compaction on the way out: the one record is there as it was appended.
    expect(await storage.stats('x')).toEqual({ updates: 1, snapshots: 0 });
    await expect(rooms.acquire('x')).rejects.toMatchObject({ code: ErrorCode.BOARD_DELETED });
    now += 5001;
    const again = await rooms.acquire('x');
    expect(again).not.toBe(room);
    rooms.block('y', 1000);
    rooms.unblock('y');
    await expect(rooms.acquire('y')).resolves.toBeDefined();
    await rooms.close();
  });
});
