import {
  DEFAULT_LIMITS,
  ErrorCode,
  ProtocolError,
  scanAwarenessUpdate,
  scanUpdate,
} from '@drawbridge/protocol';
import { describe, expect, it, vi } from 'vitest';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { silentLogger } from '../logger.js';
import { MemoryStorage } from '../storage/MemoryStorage.js';
import type { Storage } from '../storage/Storage.js';
import { BoardRoom, type BoardRoomDeps } from './BoardRoom.js';

const deps = (storage: Storage, overrides: Partial<BoardRoomDeps> = {}): BoardRoomDeps => ({
  storage,
  logger: silentLogger,
  limits: { ...DEFAULT_LIMITS },
  compactEvery: 1000,
  onAwarenessBroadcast: () => {},
  ...overrides,
});

/** Captures each update a client doc produces. */
function clientDoc() {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  return { doc, updates };
}

const apply = (room: BoardRoom, update: Uint8Array, member = 'm1') =>
  room.applyUpdate(update, scanUpdate(update), member);

describe('BoardRoom', () => {
  it('applies, relays what it integrated, stores it, and reloads identically', async () => {
    const storage = new MemoryStorage();
    const room = await BoardRoom.load('b', deps(storage));
    room.addMember('m1');
    const client = clientDoc();
    client.doc.getMap('shapes').set('s1', { x: 1 });
    client.doc.getText('text').insert(0, 'hello');
    for (const update of client.updates) {
      const { relay, durable } = apply(room, update);
      expect(relay).not.toBeNull();
      await durable;
    }
    expect(room.doc.getMap('shapes').toJSON()).toEqual({ s1: { x: 1 } });
    // The same update again integrates nothing: nothing to relay or store.
    expect(apply(room, client.updates[0]!).relay).toBeNull();

    const reloaded = await BoardRoom.load('b', deps(storage));
    expect(Y.encodeStateVector(reloaded.doc)).toEqual(Y.encodeStateVector(client.doc));
    expect(reloaded.doc.getText('text').toString()).toBe('hello');
  });

  it('refuses an update whose dependencies it lacks, leaving the board unchanged', async () => {
    const room = await BoardRoom.load('b', deps(new MemoryStorage()));
    const client = clientDoc();
    client.doc.getText('text').insert(0, 'a');
    client.doc.getText('text').insert(1, 'b');
    const before = Y.encodeStateAsUpdate(room.doc);
    expect(() => apply(room, client.updates[1]!)).toThrowError(
      expect.objectContaining({ code: ErrorCode.MISSING_DEPENDENCIES }),
    );
    expect(Y.encodeStateAsUpdate(room.doc)).toEqual(before);
    expect(room.doc.store.pendingStructs).toBeNull();
  });

  it('refuses updates past the board size limit', async () => {
    const limits = { ...DEFAULT_LIMITS, maxBoardBytes: 200, maxMessageBytes: 200 };
    const room = await BoardRoom.load('b', deps(new MemoryStorage(), { limits }));
    const client = clientDoc();
    client.doc.getText('text').insert(0, 'x'.repeat(150));
    client.doc.getText('text').insert(0, 'y'.repeat(150));
    await apply(room, client.updates[0]!).durable;
    const error = (() => {
      try {
        apply(room, client.updates[1]!);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe(ErrorCode.BOARD_TOO_LARGE);
    expect(room.doc.getText('text').length).toBe(150);
  });

  it('compacts the log into a snapshot once it grows', async () => {
    const storage = new MemoryStorage();
    const room = await BoardRoom.load('b', deps(storage, { compactEvery: 10 }));
    const client = clientDoc();
    for (let i = 0; i < 25; i++) client.doc.getMap('m').set(`k${i}`, i);
    for (const update of client.updates) await apply(room, update).durable;
    await vi.waitFor(() => expect(storage.stats('b').snapshots).toBe(1));
    await room.flush();
    await room.compact();
    expect(storage.stats('b').updates).toBe(0);
    const reloaded = await BoardRoom.load('b', deps(storage));
    expect(reloaded.doc.getMap('m').toJSON()).toEqual(client.doc.getMap('m').toJSON());
  });

  it('answers STORAGE_ERROR when an append fails and writes a snapshot once storage recovers', async () => {
    const storage = new MemoryStorage();
    let failing = true;
    const flaky: Storage = {
      load: (id) => storage.load(id),
      append: (id, u) => (failing ? Promise.reject(new Error('disk full')) : storage.append(id, u)),
      compact: (id, s, t) =>
        failing ? Promise.reject(new Error('disk full')) : storage.compact(id, s, t),
      flush: () => storage.flush(),
      close: () => storage.close(),
    };
    const room = await BoardRoom.load('b', deps(flaky));
    const client = clientDoc();
    client.doc.getMap('m').set('lost?', true);
    await expect(apply(room, client.updates[0]!).durable).rejects.toMatchObject({
      code: ErrorCode.STORAGE_ERROR,
    });
    failing = false;
    await room.unload();
    const reloaded = await BoardRoom.load('b', deps(storage));
    expect(reloaded.doc.getMap('m').get('lost?')).toBe(true);
  });

  it('lets a member set only the awareness client ids it owns, and removes them on leave', async () => {
    const room = await BoardRoom.load('b', deps(new MemoryStorage()));
    room.addMember('alice');
    room.addMember('mallory');
    const aliceDoc = new Y.Doc();
    const alice = new Awareness(aliceDoc);
    alice.setLocalState({ name: 'Alice' });
    const update = encodeAwarenessUpdate(alice, [aliceDoc.clientID]);
    expect(room.applyAwareness(update, scanAwarenessUpdate(update), 'alice')).not.toBeNull();
    expect(() => room.applyAwareness(update, scanAwarenessUpdate(update), 'mallory')).toThrowError(
      expect.objectContaining({ code: ErrorCode.FORBIDDEN }),
    );
    const removal = room.removeMember('alice');
    expect(removal).not.toBeNull();
    expect(room.awareness.getStates().has(aliceDoc.clientID)).toBe(false);
    const other = new Awareness(new Y.Doc());
    other.setLocalState({ name: 'stale' });
    // The removal, applied elsewhere, clears Alice's state there too.
    const peer = new Awareness(new Y.Doc());
    const { applyAwarenessUpdate } = await import('y-protocols/awareness');
    applyAwarenessUpdate(peer, update, 'test');
    expect(peer.getStates().has(aliceDoc.clientID)).toBe(true);
    applyAwarenessUpdate(peer, removal!, 'test');
    expect(peer.getStates().has(aliceDoc.clientID)).toBe(false);
    for (const a of [alice, other, peer]) a.destroy();
    room.destroy();
  });
});
