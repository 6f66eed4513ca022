import { ErrorCode, ProtocolError, scanAwarenessUpdate, scanUpdate } from '@drawbridge/protocol';
import { describe, expect, it, vi } from 'vitest';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { Deadline } from '../flow/Deadline.js';
import { silentLogger } from '../logger.js';
import { MemoryStorage } from '../storage/MemoryStorage.js';
import type { Storage } from '../storage/Storage.js';
import { expectConverged } from '../testing/convergence.js';
import { countTurns } from '../testing/turns.js';
import { COMPACT_BACKLOG } from './BoardLog.js';
import { BoardRoom } from './BoardRoom.js';
import { BoardLoader } from './loading/BoardLoader.js';
import { sliceUpdate } from './loading/sliceDocument.js';
import { storedWithin } from './storageError.js';
import { clientDoc, nextTurn, recordingSink, roomDeps } from './testing/roomKit.js';

/**
 * The real loader, counting the merges it is asked for (a kept encoding and the changes since;
 * the tests' boards are stored as one part, so their loads are not counted).
 */
class CountingLoader extends BoardLoader {
  merges = 0;
  /** Updates sliced in the worker. */
  sliced = 0;
  override coldAnswer(parts: readonly Uint8Array[]) {
    if (parts.length >= 2) this.merges++;
    return super.coldAnswer(parts);
  }
  override sliceUpdate(update: Uint8Array) {
    this.sliced++;
    return super.sliceUpdate(update);
  }
}

/** `storage`, whose appends are refused while `refuse()` (asked once per append) says so. */
function refusingAppends(storage: MemoryStorage, refuse: () => boolean): Storage {
  return {
    shared: false,
    links: storage.links,
    boards: storage.boards,
    assets: storage.assets,
    versions: storage.versions,
    load: (id) => storage.load(id),
    readSince: (id, seq) => storage.readSince(id, seq),
    headSeqs: (ids) => storage.headSeqs(ids),
    append: (id, u) => (refuse() ? Promise.reject(new Error('disk full')) : storage.append(id, u)),
    compact: (id, options) => storage.compact(id, options),
    flush: () => storage.flush(),
    ping: () => storage.ping(),
    close: () => storage.close(),
  };
}

const apply = (room: BoardRoom, update: Uint8Array, member = 'm1') =>
  room.applyUpdate(update, scanUpdate(update), member);

describe('BoardRoom', () => {
  it('applies, relays what it integrated, stores it, and reloads identically', async () => {
    const storage = new MemoryStorage();
    const sink = recordingSink();
    const room = await BoardRoom.load('b', roomDeps(storage, { relay: sink }));
    // Named by its board, not by a random uuid (31 calls to getRandomValues per board).
    expect(room.doc.guid).toBe('b');
    room.addMember('m1');
    const client = clientDoc();
    client.doc.getMap('shapes').set('s1', { x: 1 });
    client.doc.getText('text').insert(0, 'hello');
    for (const update of client.updates) {
      const { integrated, durable } = apply(room, update);
      expect(integrated).toBe(true);
      await durable;
    }
    expect(room.doc.getMap('shapes').toJSON()).toEqual({ s1: { x: 1 } });
    // The same update again integrates nothing: nothing to relay or store.
    expect(apply(room, client.updates[0]!).integrated).toBe(false);
    await nextTurn();
    const relayed = new Y.Doc();
    for (const { event, update, except } of sink.relayed) {
      expect(event).toBe('doc');
      expect(except).toBe('m1');
      Y.applyUpdate(relayed, update);
    }
    expect(Y.encodeStateVector(relayed)).toEqual(Y.encodeStateVector(client.doc));

    const reloaded = await BoardRoom.load('b', roomDeps(storage));
    expect(Y.encodeStateVector(reloaded.doc)).toEqual(Y.encodeStateVector(client.doc));
    expect(reloaded.doc.getText('text').toString()).toBe('hello');
  });

  it('loads around a stored record that does not decode; a later change relays on its own', async () => {
    const storage = new MemoryStorage();
    const client = clientDoc();
    for (let i = 0; i < 300; i++) client.doc.getMap('shapes').set(`s${i % 50}`, { i });
    client.doc.getText('text').insert(0, 'kept');
    const [first, ...rest] = client.updates;
    await storage.append('b', first!);
    // Passed its checksum, yet is no Yjs update: skipped, and the load goes on.
    await storage.append('b', new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02]));
    for (const update of rest) await storage.append('b', update);
    const room = await BoardRoom.load('b', roomDeps(storage));
    expect(Y.encodeStateVector(room.doc)).toEqual(Y.encodeStateVector(client.doc));
    expect(room.doc.store.pendingStructs).toBeNull();
    expect(room.doc.getMap('shapes').toJSON()).toEqual(client.doc.getMap('shapes').toJSON());
    expect(room.doc.getText('text').toString()).toBe('kept');
    // A change after the load is captured on its own, not merged into the load.
    const sink = recordingSink();
    const watched = await BoardRoom.load('b', roomDeps(storage, { relay: sink }));
    client.doc.getMap('shapes').set('after', 1);
    await apply(watched, client.updates.at(-1)!).durable;
    await nextTurn();
    expect(sink.relayed).toHaveLength(1);
    expect(sink.relayed[0]!.update).toEqual(client.updates.at(-1));
  });

  it('relays a turn’s changes as one frame; several origins reach everyone', async () => {
    const sink = recordingSink();
    const room = await BoardRoom.load('b', roomDeps(new MemoryStorage(), { relay: sink }));
    const a = clientDoc();
    const b = clientDoc();
    for (let i = 0; i < 5; i++) a.doc.getMap('m').set(`a${i}`, i);
    b.doc.getMap('m').set('b', true);
    for (const update of a.updates) apply(room, update, 'a');
    await nextTurn();
    expect(sink.relayed).toHaveLength(1);
    expect(sink.relayed[0]!.except).toBe('a');
    apply(room, a.updates[0]!, 'a'); // nothing new: no frame
    apply(room, b.updates[0]!, 'b');
    a.doc.getMap('m').set('a5', 5);
    apply(room, a.updates.at(-1)!, 'a');
    await nextTurn();
    expect(sink.relayed).toHaveLength(2);
    expect(sink.relayed[1]!.except).toBeNull();
    const seen = new Y.Doc();
    for (const { update } of sink.relayed) Y.applyUpdate(seen, update);
    expect(seen.getMap('m').toJSON()).toEqual(room.doc.getMap('m').toJSON());
    await room.flush();
  });

  it('relays and stores a fresh edit as it came; a resend relays only what was new', async () => {
    const storage = new MemoryStorage();
    const sink = recordingSink();
    const room = await BoardRoom.load('b', roomDeps(storage, { relay: sink }));
    room.addMember('m1');
    const client = clientDoc();
    client.doc.getMap('shapes').set('s1', { x: 1 });
    client.doc.getText('text').insert(0, 'abc');
    client.doc.getText('text').delete(0, 1);
    for (const update of client.updates) await apply(room, update).durable;
    await nextTurn();
    // A fresh edit whose delete set also covers what the board already deleted ('a' beside
    // the new 'b'): Yjs, encoding the transaction again, would leave the old range out. The
    // update's own bytes go out and are stored.
    client.doc.getText('text').delete(0, 1);
    const both = Y.mergeUpdates([client.updates[2]!, client.updates[3]!]);
    sink.relayed.length = 0;
    await apply(room, both).durable;
    await nextTurn();
    expect(sink.relayed.map((r) => r.update)).toEqual([both]);
    expect((await storage.load('b')).updates.at(-1)).toEqual(both);

    // A resend of everything with a new edit: only the new edit goes out and is stored.
    client.doc.getMap('shapes').set('s2', { x: 2 });
    const resend = Y.encodeStateAsUpdate(client.doc);
    sink.relayed.length = 0;
    await apply(room, resend).durable;
    await nextTurn();
    expect(sink.relayed).toHaveLength(1);
    const relayed = sink.relayed[0]!.update;
    expect(relayed).toEqual(client.updates[4]);
    expect(relayed.byteLength).toBeLessThan(resend.byteLength / 2);
    expect((await storage.load('b')).updates.at(-1)).toEqual(relayed);

    // The doc's own listener is back: a joiner with nothing gets every edit, and a change on the
    // server's account is relayed.
    const joined = new Y.Doc();
    Y.applyUpdate(joined, (await room.sync(new Uint8Array([0]))).update);
    expect(joined.getMap('shapes').toJSON()).toEqual({ s1: { x: 1 }, s2: { x: 2 } });
    expect(joined.getText('text').toString()).toBe('c');
    sink.relayed.length = 0;
    const server = new Y.Doc();
    Y.applyUpdate(server, Y.encodeStateAsUpdate(room.doc));
    let change: Uint8Array | null = null;
    server.on('update', (u: Uint8Array) => {
      change = u;
    });
    server.getMap('shapes').set('s3', { x: 3 });
    await room.intake.applyServer(change!);
    await nextTurn();
    expect(sink.relayed).toHaveLength(1);
    expect(Y.encodeStateVector(room.doc)).not.toEqual(Y.encodeStateVector(client.doc));
    Y.applyUpdate(client.doc, sink.relayed[0]!.update);
    expect(Y.encodeStateAsUpdate(room.doc)).toEqual(Y.encodeStateAsUpdate(client.doc));
    await room.flush();
  });

  it('refuses an update whose dependencies it lacks, leaving the board unchanged', async () => {
    const room = await BoardRoom.load('b', roomDeps(new MemoryStorage()));
    const client = clientDoc();
    client.doc.getText('text').insert(0, 'a');
    client.doc.getText('text').insert(1, 'b');
    const before = Y.encodeStateAsUpdate(room.doc);
    expect(() => apply(room, client.updates[1]!)).toThrowError(
      expect.objectContaining({ code: ErrorCode.MISSING_DEPENDENCIES }),
    );
    // From another node too: skipped, not parked as pending structs.
    expect(room.applyRemoteUpdate(client.updates[1]!, scanUpdate(client.updates[1]!))).toBe(false);
    expect(Y.encodeStateAsUpdate(room.doc)).toEqual(before);
    expect(room.doc.store.pendingStructs).toBeNull();
  });

  it('refuses updates past the board size limit', async () => {
    const limits = {
      ...roomDeps(new MemoryStorage()).limits,
      maxBoardBytes: 200,
      maxMessageBytes: 200,
    };
    const room = await BoardRoom.load('b', roomDeps(new MemoryStorage(), { limits }));
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
    const room = await BoardRoom.load('b', roomDeps(storage, { compactEvery: 10 }));
    const client = clientDoc();
    for (let i = 0; i < 25; i++) client.doc.getMap('m').set(`k${i}`, i);
    for (const update of client.updates) await apply(room, update).durable;
    await vi.waitFor(async () => expect((await storage.stats('b')).snapshots).toBe(1));
    await room.unload();
    expect((await storage.stats('b')).updates).toBe(0);
    const reloaded = await BoardRoom.load('b', roomDeps(storage));
    expect(reloaded.doc.getMap('m').toJSON()).toEqual(client.doc.getMap('m').toJSON());
  });

  it('a due compaction waits for a pause in the edits', async () => {
    const storage = new MemoryStorage();
    const deps = roomDeps(storage, { compactEvery: 10, compactQuietMs: 60_000 });
    const room = await BoardRoom.load('b', deps);
    const client = clientDoc();
    for (let i = 0; i < 25; i++) client.doc.getMap('m').set(`k${i}`, i);
    for (const update of client.updates) await apply(room, update).durable;
    await nextTurn();
    await nextTurn();
    // Due (25 records, threshold 10), but the board has not been quiet for a minute.
    expect(room.log.recordsSinceSnapshot).toBe(25);
    expect((await storage.stats('b')).snapshots).toBe(0);
    await room.unload(); // unloading compacts what is due
    expect((await storage.stats('b')).snapshots).toBe(1);
    expect((await storage.stats('b')).updates).toBe(0);

    // With a short pause, it runs once the edits stop.
    const quick = await BoardRoom.load(
      'c',
      roomDeps(storage, { compactEvery: 10, compactQuietMs: 20 }),
    );
    for (const update of client.updates) await apply(quick, update).durable;
    await vi.waitFor(async () => expect((await storage.stats('c')).snapshots).toBe(1));
    const reloaded = await BoardRoom.load('c', roomDeps(storage));
    expect(reloaded.doc.getMap('m').toJSON()).toEqual(client.doc.getMap('m').toJSON());
  });

  it('a due compaction waits for a pause at most compactMaxWaitMs', async () => {
    const storage = new MemoryStorage();
    const maxWaitMs = 300;
    const room = await BoardRoom.load(
      'b',
      roomDeps(storage, { compactEvery: 100, compactQuietMs: 60_000, compactMaxWaitMs: maxWaitMs }),
    );
    const client = clientDoc();
    for (let i = 0; i < 101; i++) client.doc.getMap('m').set(`k${i}`, i);
    for (const update of client.updates) await apply(room, update).durable;
    const dueAt = performance.now();
    await nextTurn();
    await nextTurn();
    // Due since the 100th record, and edited since without a quiet minute: still waiting.
    expect((await storage.stats('b')).snapshots).toBe(0);
    // Edits keep coming (far fewer than the backlog limit, 3,200 records, in the time allowed);
    // once one lands after the longest wait, the compaction runs.
    let i = 0;
    await vi.waitFor(
      async () => {
        client.doc.getMap('m').set(`more${i++}`, i);
        await apply(room, client.updates.at(-1)!).durable;
        expect((await storage.stats('b')).snapshots).toBe(1);
      },
      { timeout: 5000, interval: 5 },
    );
    expect(performance.now() - dueAt).toBeGreaterThanOrEqual(maxWaitMs);
    await room.unload();
    const reloaded = await BoardRoom.load('b', roomDeps(storage));
    expect(reloaded.doc.getMap('m').toJSON()).toEqual(client.doc.getMap('m').toJSON());
  });

  it('a log that keeps growing without a pause is compacted anyway at the backlog limit', async () => {
    const storage = new MemoryStorage();
    const room = await BoardRoom.load(
      'b',
      roomDeps(storage, { compactEvery: 5, compactQuietMs: 60_000 }),
    );
    const client = clientDoc();
    for (let i = 0; i < 5 * COMPACT_BACKLOG - 1; i++) client.doc.getMap('m').set(`k${i}`, i);
    for (const update of client.updates) await apply(room, update).durable;
    await nextTurn();
    await nextTurn();
    expect((await storage.stats('b')).snapshots).toBe(0);
    client.doc.getMap('m').set('last', true);
    await apply(room, client.updates.at(-1)!).durable;
    await vi.waitFor(async () => expect((await storage.stats('b')).snapshots).toBe(1));
    await room.unload();
    const reloaded = await BoardRoom.load('b', roomDeps(storage));
    expect(reloaded.doc.getMap('m').toJSON()).toEqual(client.doc.getMap('m').toJSON());
  });

  it('answers STORAGE_ERROR when an append fails, and stores it before a join of a client that may hold it answers', async () => {
    const storage = new MemoryStorage();
    let failing = true;
    const flaky = refusingAppends(storage, () => failing);
    const room = await BoardRoom.load('b', roomDeps(flaky));
    room.addMember('m1');
    const client = clientDoc();
    client.doc.getMap('m').set('lost?', true);
    await expect(apply(room, client.updates[0]!).durable).rejects.toMatchObject({
      code: ErrorCode.STORAGE_ERROR,
    });
    // A join must not claim the change while it is only in memory: its state vector would tell
    // the client that holds it (rejoining) that it need not resend it.
    const holder = Y.encodeStateVector(client.doc);
    await expect(room.sync(holder)).rejects.toThrow(/disk full/);
    // Unless the client accepts an answer that says so (PROTOCOL.md §4.1): it stays on the board,
    // and keeps its change unsaved.
    const live = await room.sync(holder, { acceptUnstored: true });
    expect(live.unstored).toBe(true);
    expect(live.stateVector).toEqual(holder);
    // A client that holds nothing has nothing to resend: it is answered, change included (a new
    // tab still opens a board whose disk is full).
    const fresh = new Y.Doc();
    const empty = await room.sync(new Uint8Array([0]));
    expect(empty.unstored).toBe(true);
    Y.applyUpdate(fresh, empty.update);
    expect(fresh.getMap('m').get('lost?')).toBe(true);
    failing = false;
    const state = await room.sync(holder);
    expect('unstored' in state).toBe(false);
    const joined = new Y.Doc();
    Y.applyUpdate(joined, client.updates[0]!);
    Y.applyUpdate(joined, state.update);
    expect(joined.getMap('m').get('lost?')).toBe(true);
    expect(Y.encodeStateVector(joined)).toEqual(state.stateVector);
    const reloaded = await BoardRoom.load('b', roomDeps(storage));
    expect(reloaded.doc.getMap('m').get('lost?')).toBe(true);
  });

  it('acks an update only once what was refused before it is stored too', async () => {
    const storage = new MemoryStorage();
    let appends = 0;
    // The first append is refused, the second stored, the third (the retry of the first) refused.
    const flaky = refusingAppends(storage, () => [1, 3].includes(++appends));
    const room = await BoardRoom.load('b', roomDeps(flaky));
    room.addMember('m1');
    const client = clientDoc();
    const shapes = client.doc.getMap('m');
    shapes.set('first', 1);
    shapes.set('second', 2);
    await expect(apply(room, client.updates[0]!).durable).rejects.toMatchObject({
      code: ErrorCode.STORAGE_ERROR,
    });
    // Stored, but its ack would tell the client that the first is stored too: refused as well.
    await expect(apply(room, client.updates[1]!).durable).rejects.toMatchObject({
      code: ErrorCode.STORAGE_ERROR,
    });
    expect(appends).toBe(3);
    expect((await storage.load('b')).updates).toHaveLength(1);
    // Once storage works, an ack covers both.
    shapes.set('third', 3);
    await apply(room, client.updates[2]!).durable;
    const reloaded = await BoardRoom.load('b', roomDeps(storage));
    expect(reloaded.doc.getMap('m').toJSON()).toEqual({ first: 1, second: 2, third: 3 });
  });

  it("answers a member's resync from memory, unstored, while storage cannot be read; other joins wait for it", async () => {
    const storage = new MemoryStorage(true);
    let down = false;
    // Shared storage (PostgreSQL, say): a join reads what other nodes stored.
    const flaky: Storage = {
      ...refusingAppends(storage, () => down),
      shared: true,
      readSince: (id, seq) =>
        down ? Promise.reject(new Error('connection refused')) : storage.readSince(id, seq),
    };
    const room = await BoardRoom.load('b', roomDeps(flaky));
    room.addMember('m1');
    const client = clientDoc();
    client.doc.getMap('m').set('a', 1);
    await apply(room, client.updates[0]!).durable;
    down = true;
    const held = Y.encodeStateVector(client.doc);
    // A new joiner must get what other nodes stored, so it waits for storage, as does a member
    // that does not accept an unstored answer.
    await expect(room.sync(held, { acceptUnstored: true })).rejects.toThrow(/connection refused/);
    await expect(room.sync(held, { member: true })).rejects.toThrow(/connection refused/);
    // A member resyncing (its update was refused) has had every relay: refusing it would only
    // take it off the board.
    const answer = await room.sync(held, { acceptUnstored: true, member: true });
    expect(answer.unstored).toBe(true);
    expect(answer.stateVector).toEqual(held);
    down = false;
    const back = await room.sync(held, { acceptUnstored: true, member: true });
    expect('unstored' in back).toBe(false);
  });

  it('answers joins by their deadline while storage hangs; the update goes on and is stored once it answers', async () => {
    const storage = new MemoryStorage(true);
    // Shared storage that hangs (PostgreSQL stopped: connections open, no answers) until released.
    let gate: Promise<void> | null = null;
    let release = () => {};
    const held = <T>(call: () => Promise<T>) => (gate ? gate.then(call) : call());
    const hanging: Storage = {
      ...refusingAppends(storage, () => false),
      shared: true,
      append: (id, u) => held(() => storage.append(id, u)),
      readSince: (id, seq) => held(() => storage.readSince(id, seq)),
    };
    const room = await BoardRoom.load('b', roomDeps(hanging));
    room.addMember('m1');
    const client = clientDoc();
    const shapes = client.doc.getMap('m');
    shapes.set('a', 1);
    await apply(room, client.updates[0]!).durable;
    gate = new Promise((resolve) => {
      release = resolve;
    });
    shapes.set('b', 2);
    const durable = apply(room, client.updates[1]!).durable;
    await expect(storedWithin(durable, 20)).rejects.toMatchObject({
      code: ErrorCode.STORAGE_ERROR,
      message: 'the update is not stored yet',
    });
    const vector = Y.encodeStateVector(client.doc);
    const soon = () => new Deadline(30);
    // A member that accepts it is answered from memory, unstored, by the deadline.
    const answer = await room.sync(vector, {
      acceptUnstored: true,
      member: true,
      deadline: soon(),
    });
    expect(answer.unstored).toBe(true);
    expect(answer.stateVector).toEqual(vector);
    // Other joins are refused by then instead of waiting on storage (the handler answers them
    // STORAGE_ERROR, retryable).
    await expect(room.sync(vector, { member: true, deadline: soon() })).rejects.toThrow(
      /storage did not answer within/,
    );
    await expect(
      room.sync(new Uint8Array([0]), { acceptUnstored: true, deadline: soon() }),
    ).rejects.toThrow(/storage did not answer within/);
    release();
    gate = null;
    await durable;
    const back = await room.sync(vector, { acceptUnstored: true, member: true, deadline: soon() });
    expect('unstored' in back).toBe(false);
    const reloaded = await BoardRoom.load('b', roomDeps(storage));
    expect(reloaded.doc.getMap('m').toJSON()).toEqual({ a: 1, b: 2 });
  });

  it('stores a change that reached the board while a join waited before answering with it', async () => {
    const storage = new MemoryStorage(true);
    // Shared storage (a join reads what other nodes stored), whose reads and appends wait for
    // their release once `holding`.
    let holding = false;
    const gates: (() => void)[] = [];
    const held = <T>(call: () => Promise<T>) =>
      holding ? new Promise<void>((resolve) => gates.push(resolve)).then(call) : call();
    const gated: Storage = {
      ...refusingAppends(storage, () => false),
      shared: true,
      append: (id, u) => held(() => storage.append(id, u)),
      readSince: (id, seq) => held(() => storage.readSince(id, seq)),
    };
    const room = await BoardRoom.load('b', roomDeps(gated));
    room.addMember('m1');
    const writer = clientDoc();
    writer.doc.getMap('m').set('first', 1);
    await apply(room, writer.updates[0]!).durable;
    holding = true;
    let answered = false;
    const joining = room.sync(new Uint8Array([0])).then((state) => {
      answered = true;
      return state;
    });
    // The join reads what other nodes stored; meanwhile a member's change comes.
    await vi.waitFor(() => expect(gates).toHaveLength(1));
    writer.doc.getMap('m').set('second', 2);
    const second = apply(room, writer.updates[1]!).durable;
    await vi.waitFor(() => expect(gates).toHaveLength(2));
    gates[0]!(); // the read ends: the answer is made, holding the change, which is not stored
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(answered).toBe(false);
    gates[1]!();
    const state = await joining;
    await second;
    const joiner = new Y.Doc();
    Y.applyUpdate(joiner, state.update);
    expect(joiner.getMap('m').toJSON()).toEqual({ first: 1, second: 2 });
    expect('unstored' in state).toBe(false);
  });

  it("answers a joiner with nothing from a large board's kept encoding, brought up to date in the loader's worker", async () => {
    const storage = new MemoryStorage();
    const big = clientDoc();
    big.doc.transact(() => {
      for (let i = 0; i < 3000; i++) {
        big.doc.getMap('shapes').set(`shape-${i}`, { x: i, text: `shape ${i} `.repeat(10) });
      }
    });
    await storage.append('big', big.updates[0]!);
    const loader = new CountingLoader(silentLogger);
    try {
      const room = await BoardRoom.load('big', roomDeps(storage, { loader }));
      room.addMember('m1');
      big.doc.getMap('shapes').delete('shape-1');
      big.doc.getMap('shapes').set('late', { x: -1 });
      for (const update of big.updates.slice(1)) await apply(room, update).durable;

      const state = await room.sync(new Uint8Array([0]));
      expect(loader.merges).toBe(1);
      const joined = new Y.Doc();
      Y.applyUpdate(joined, state.update);
      expect(Y.encodeStateVector(joined)).toEqual(Y.encodeStateVector(big.doc));
      expect(joined.getMap('shapes').toJSON()).toEqual(big.doc.getMap('shapes').toJSON());
      // Unchanged since: the same answer, no other merge.
      expect((await room.sync(new Uint8Array([0]))).update).toBe(state.update);
      expect(loader.merges).toBe(1);
    } finally {
      await loader.close();
    }
  });

  it('catches up on a join with what another writer stored meanwhile', async () => {
    const storage = new MemoryStorage(true);
    const other = storage.sharedHandle();
    const room = await BoardRoom.load('b', roomDeps(storage));
    const client = clientDoc();
    client.doc.getMap('m').set('from-elsewhere', 1);
    await other.append('b', client.updates[0]!);
    expect(room.doc.getMap('m').size).toBe(0);
    const state = await room.sync(new Uint8Array([0]));
    const joined = new Y.Doc();
    Y.applyUpdate(joined, state.update);
    expect(joined.getMap('m').toJSON()).toEqual({ 'from-elsewhere': 1 });
    expect(room.log.appliedThrough).toBe(1);
  });

  it("catches up a large read in turns of the event loop, its snapshot sliced in the loader's worker", async () => {
    const big = clientDoc();
    big.doc.transact(() => {
      for (let i = 0; i < 3000; i++) {
        big.doc.getMap('shapes').set(`shape-${i}`, { x: i, text: `shape ${i} `.repeat(10) });
      }
    });
    const whole = Y.encodeStateAsUpdate(big.doc);
    expect(whole.byteLength).toBeGreaterThan(256 * 1024);
    // Missed as many records (a paste) and as one snapshot (compacted meanwhile).
    const missed = { records: sliceUpdate(whole, 100)!, snapshot: [whole] };
    const loader = new CountingLoader(silentLogger);
    try {
      for (const [kind, records] of Object.entries(missed)) {
        const storage = new MemoryStorage(true);
        const other = storage.sharedHandle();
        const sink = recordingSink();
        const room = await BoardRoom.load('b', roomDeps(storage, { loader, relay: sink }));
        room.addMember('m1');
        for (const record of records) await other.append('b', record);
        // Counts the event loop's turns while the read is applied.
        const turns = countTurns();
        const frames: number[] = [];
        const relayed = sink.relayed;
        const push = relayed.push.bind(relayed);
        relayed.push = (...items) => {
          frames.push(turns.turns);
          return push(...items);
        };
        await room.sync(new Uint8Array([0]));
        turns.stop();
        expect(room.doc.getMap('shapes').toJSON(), kind).toEqual(big.doc.getMap('shapes').toJSON());
        if (kind === 'records') {
          // Hundreds of records: relayed in parts, with turns of the event loop between them.
          expect(frames.length).toBeGreaterThan(1);
          expect(frames.at(-1)! - frames[0]!).toBeGreaterThan(0);
        } else {
          // The snapshot: cut into slices in the worker (how many turns they take is timing).
          expect(loader.sliced).toBe(1);
        }
        const member = new Y.Doc();
        member.getMap('shapes');
        for (const frame of relayed) Y.applyUpdate(member, frame.update);
        expectConverged([member, room.doc, big.doc]);
        room.destroy();
      }
    } finally {
      await loader.close();
    }
  });

  it('lets a member set only the awareness client ids it owns, and removes them on leave', async () => {
    const sink = recordingSink();
    const room = await BoardRoom.load('b', roomDeps(new MemoryStorage(), { relay: sink }));
    room.addMember('alice');
    room.addMember('mallory');
    const aliceDoc = new Y.Doc();
    const alice = new Awareness(aliceDoc);
    alice.setLocalState({ name: 'Alice' });
    const update = encodeAwarenessUpdate(alice, [aliceDoc.clientID]);
    room.applyAwareness(update, scanAwarenessUpdate(update), 'alice');
    expect(() => room.applyAwareness(update, scanAwarenessUpdate(update), 'mallory')).toThrowError(
      expect.objectContaining({ code: ErrorCode.FORBIDDEN }),
    );
    // Another node may not claim it either.
    room.applyRemoteAwareness(update, scanAwarenessUpdate(update), 'node-2');
    room.removeMember('alice');
    expect(room.awareness.getStates().has(aliceDoc.clientID)).toBe(false);
    await nextTurn();
    // Set and removed in one turn: one frame, to everyone, with the removal.
    const peer = new Awareness(new Y.Doc());
    applyAwarenessUpdate(peer, update, 'test');
    expect(peer.getStates().has(aliceDoc.clientID)).toBe(true);
    for (const { event, update: relayed } of sink.relayed) {
      expect(event).toBe('awareness');
      applyAwarenessUpdate(peer, relayed, 'test');
    }
    expect(peer.getStates().has(aliceDoc.clientID)).toBe(false);
    for (const a of [alice, peer]) a.destroy();
    room.destroy();
  });

  it("drops the awareness states of a node that left; a member's state refused for an id it owned applies then", async () => {
    const room = await BoardRoom.load('b', roomDeps(new MemoryStorage()));
    const remote = new Awareness(new Y.Doc());
    remote.setLocalState({ name: 'Bob' });
    const update = encodeAwarenessUpdate(remote, [remote.clientID]);
    room.applyRemoteAwareness(update, scanAwarenessUpdate(update), 'node-2');
    expect(room.awareness.getStates().get(remote.clientID)).toEqual({ name: 'Bob' });

    // A member here sends a state for that id (the client moved here from node 2, which died
    // before anyone knew): refused while node 2's member owns it.
    const sameClient = new Y.Doc();
    sameClient.clientID = remote.clientID;
    const here = new Awareness(sameClient);
    here.setLocalState({ name: 'Bob', moved: true });
    const moved = encodeAwarenessUpdate(here, [here.clientID]);
    room.addMember('moved');
    expect(() => room.applyAwareness(moved, scanAwarenessUpdate(moved), 'moved')).toThrowError(
      expect.objectContaining({ code: ErrorCode.FORBIDDEN }),
    );
    expect(room.awareness.getStates().get(remote.clientID)).toEqual({ name: 'Bob' });

    // Node 2 is found gone: its member's state goes, and the waiting one is the id's now.
    room.dropNode('node-2');
    expect(room.awareness.getStates().get(remote.clientID)).toEqual({ name: 'Bob', moved: true });
    room.removeMember('moved');
    expect(room.awareness.getStates().has(remote.clientID)).toBe(false);
    for (const awareness of [remote, here]) awareness.destroy();
    room.destroy();
  });
});
