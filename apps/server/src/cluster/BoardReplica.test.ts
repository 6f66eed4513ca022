import { scanAwarenessUpdate, scanUpdate } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { systemClock } from '../clock.js';
import { BUSY_UPDATES } from '../flow/BusyHold.js';
import { silentLogger } from '../logger.js';
import type { BoardRoom } from '../rooms/BoardRoom.js';
import { clientDoc, nextTurn } from '../rooms/testing/roomKit.js';
import type { MemoryStorage } from '../storage/MemoryStorage.js';
import { expectConverged } from '../testing/convergence.js';
import { BoardReplica } from './BoardReplica.js';
import { MessageNumbers } from './MessageNumbers.js';
import type { BusMessage } from './messages.js';
import { noticeTimer } from './noticeTimer.js';
import { FuzzNetwork } from './testing/FuzzNetwork.js';
import { twoNodes } from './testing/twoNodes.js';

/** A member's fresh edit applied on node `a`; resolves once stored. */
function edit(a: { room: BoardRoom }, client: ReturnType<typeof clientDoc>, key: string) {
  client.doc.getMap('m').set(key, key);
  const update = client.updates.at(-1)!;
  return a.room.applyUpdate(update, scanUpdate(update), 'a-member').durable;
}

const inFlight = (network: FuzzNetwork) =>
  network.inFlight.map(({ message }) =>
    message.type === 'update' && message.commit ? 'update+commit' : message.type,
  );

/**
 * A fake board (a small unit) whose log's head is `head`, on node a's bus; node b subscribes to
 * it, so what a publishes waits in `network`.
 */
function fakeBoard(head: number) {
  const network = new FuzzNetwork();
  const bus = network.bus('a');
  network.bus('b').boards.set('b', () => undefined);
  const host = {
    boardId: 'b',
    log: { head, onRecovered: () => {} },
    damage: {},
    localAwareness: () => null,
  } as unknown as ConstructorParameters<typeof BoardReplica>[0]['host'];
  return { network, bus, host };
}

/** An update message's number. */
const msgOf = (message: BusMessage) => (message.type === 'update' ? message.msg : Number.NaN);

const storedContent = async (storage: MemoryStorage) => {
  const doc = new Y.Doc();
  for (const update of (await storage.load('b')).updates) Y.applyUpdate(doc, update);
  return doc.getMap('m').toJSON();
};

/** The storage handles refuse appends with `message` while `refusing()` (reads still work). */
function refuseAppends(handles: MemoryStorage[], refusing: () => boolean, message: string): void {
  for (const handle of handles) {
    const append = handle.append.bind(handle);
    handle.append = (boardId, update) =>
      refusing() ? Promise.reject(new Error(message)) : append(boardId, update);
  }
}

/** Process 1 of node a publishes an edit (`orphan`) and dies before its append commits. */
function publishAndDie(a: { replica: BoardReplica }, deliverAll: () => void): void {
  const client = clientDoc();
  client.doc.getMap('m').set('orphan', true);
  a.replica.published(client.updates[0]!);
  a.replica.flush();
  a.replica.close();
  deliverAll();
}

/**
 * A client's first edit, made on node a, which cannot store it (its connection to PostgreSQL is
 * down), and published to node b, which can: unconfirmed there.
 */
async function firstEditUnstoredOnA() {
  const { a, b, storage, deliverAll } = await twoNodes(null);
  refuseAppends([storage], () => true, 'storage is down');
  const client = clientDoc();
  await expect(edit(a, client, 'first')).rejects.toThrow('could not be stored');
  await nextTurn();
  deliverAll();
  return { b, storage, client };
}

describe('BoardReplica', () => {
  it('applies a remote update at once, and counts its seqs applied once its node confirms them', async () => {
    const { a, b, network, deliverAll } = await twoNodes(null);
    const client = clientDoc();
    client.doc.getMap('m').set('k', 1);
    const { durable } = a.room.applyUpdate(
      client.updates[0]!,
      scanUpdate(client.updates[0]!),
      'a-member',
    );
    await nextTurn();
    // Published before it is stored: the other node applies it without waiting for storage.
    expect(network.inFlight.map((f) => f.message.type)).toContain('update');
    deliverAll((type) => type === 'update', true);
    expect(b.room.doc.getMap('m').get('k')).toBe(1);
    expect(b.replica.unconfirmed).toBe(1);
    await durable;
    await nextTurn();
    deliverAll();
    expect(b.replica.unconfirmed).toBe(0);
    expect(b.room.log.appliedThrough).toBe(a.room.log.appliedThrough);
    expect(b.room.log.behind).toBe(false);
  });

  it('stores what a node that left never confirmed, and what a join needs', async () => {
    const { a, b, storage, deliverAll } = await twoNodes();
    const client = clientDoc();
    client.doc.getMap('m').set('orphan', true);
    // Node a publishes, then "dies" before its append commits: its storage never gets it.
    a.replica.published(client.updates[0]!);
    a.replica.flush();
    deliverAll();
    expect(b.room.doc.getMap('m').get('orphan')).toBe(true);
    expect(await storedContent(storage)).toEqual({});
    await b.replica.nodeGone('a');
    expect(await storedContent(storage)).toEqual({ orphan: true });

    // The same through a join: the answer may not claim content only in memory.
    client.doc.getMap('m').set('second', 2);
    a.replica.published(client.updates[1]!);
    a.replica.flush();
    deliverAll();
    await b.room.sync(new Uint8Array([0]));
    expect(await storedContent(storage)).toEqual({ orphan: true, second: 2 });
  });

  it('stores a message of a node that arrives after that node was declared gone, before a join may claim it', async () => {
    const { a, b, storage, deliverAll } = await twoNodes();
    const client = clientDoc();
    client.doc.getMap('m').set('late', true);
    // Node a publishes, then is declared gone (a stall past its silence, or its goodbye on a
    // channel ahead of the board's) before b has its message; its append never commits.
    a.replica.published(client.updates[0]!);
    a.replica.flush();
    const gone = b.replica.nodeGone('a');
    deliverAll();
    await gone;
    expect(b.room.doc.getMap('m').get('late')).toBe(true);
    expect(b.replica.unconfirmed).toBe(1);
    // The answer's state vector covers the edit: storage holds it before the join is answered.
    const answer = await b.room.sync(Y.encodeStateVector(client.doc));
    expect('unstored' in answer).toBe(false);
    expect(await storedContent(storage)).toEqual({ late: true });
  });

  it("acks a client's resend that carries another node's unconfirmed update only once that is stored", async () => {
    const { b, storage, client } = await firstEditUnstoredOnA();
    expect(b.replica.unconfirmed).toBe(1);
    // The client moves to node b and sends all it holds: b had the first edit, not the second.
    client.doc.getMap('m').set('second', 2);
    const resend = Y.encodeStateAsUpdate(client.doc);
    await b.room.applyUpdate(resend, scanUpdate(resend), 'b-member').durable;
    // Its ack says both are stored: they are, though node a never stored the first.
    expect(await storedContent(storage)).toEqual({ first: 'first', second: 2 });
  });

  it("acks a client's next update only once its resend, with another node's update, is stored", async () => {
    const { b, storage, client } = await firstEditUnstoredOnA();
    // On node b, the resend (b stores the first edit for it) and at once a new edit, whose append
    // commits with the resend's: its ack covers the resend too (PROTOCOL.md §4.2), so the first
    // edit is stored by then as well.
    client.doc.getMap('m').set('second', 2);
    const resend = Y.encodeStateAsUpdate(client.doc);
    const resent = b.room.applyUpdate(resend, scanUpdate(resend), 'b-member').durable;
    client.doc.getMap('m').set('third', 3);
    const next = client.updates.at(-1)!;
    const acked = b.room.applyUpdate(next, scanUpdate(next), 'b-member').durable;
    // What storage holds the moment the next update is acked.
    const atAck = await acked.then(() => storage.storedNow('b'));
    const stored = new Y.Doc();
    for (const update of atAck) Y.applyUpdate(stored, update);
    expect(stored.getMap('m').toJSON()).toEqual({ first: 'first', second: 2, third: 3 });
    await resent;
  });

  it('confirms its messages again once what storage refused is stored', async () => {
    const { a, b, storage, deliverAll } = await twoNodes(null);
    // Node a's storage refuses appends for a while (PostgreSQL down).
    let down = true;
    refuseAppends([storage], () => down, 'storage is down');
    const client = clientDoc();
    await expect(edit(a, client, 'refused')).rejects.toThrow('could not be stored');
    await nextTurn();
    deliverAll();
    expect(b.replica.unconfirmed).toBe(1);
    down = false;
    await a.room.durable(); // a join there stores it first
    await edit(a, client, 'after');
    await nextTurn();
    deliverAll();
    await b.room.catchUpNow(); // the refused edit's record is in no message: b reads it
    // Both messages confirmed: nothing left for b to store itself, its log up to date.
    expect(b.replica.unconfirmed).toBe(0);
    expect(b.room.log.appliedThrough).toBe(a.room.log.appliedThrough);
    expect(await storedContent(storage)).toEqual({ refused: 'refused', after: 'after' });
  });

  it("stores a live node's update that node has not confirmed for long, before a join may claim it", async () => {
    let now = 1_000_000;
    const { a, b, storage, bStorage, deliverAll } = await twoNodes(null, 0, { now: () => now });
    // The shared storage refuses every write (PostgreSQL's disk is full); reads still work.
    let full = true;
    refuseAppends([storage, bStorage], () => full, 'disk is full');
    const client = clientDoc();
    await expect(edit(a, client, 'unstored')).rejects.toThrow('could not be stored');
    await nextTurn();
    deliverAll();
    expect(b.room.doc.getMap('m').get('unstored')).toBe('unstored');
    expect(b.replica.unconfirmed).toBe(1);

    // Node a lives on, retrying, and never confirms: b stores the update itself once it has
    // waited long enough (a duplicate record at worst), rather than forgetting it.
    now += 31_000;
    b.replica.forgetStale();
    expect(b.replica.unconfirmed).toBe(0);
    const holder = Y.encodeStateVector(client.doc);
    await expect(b.room.sync(holder)).rejects.toThrow(/disk is full/);

    // Node a dies before storage works again; then it does. A join on b of the client that
    // made the edit must not claim it until it is stored: storage holds it after the answer.
    a.room.destroy();
    await b.replica.nodeGone('a');
    full = false;
    await b.room.sync(holder);
    expect(await storedContent(storage)).toEqual({ unstored: 'unstored' });
  });

  it('skips an update that builds on something missed, and reads it from storage instead', async () => {
    const { a, b, deliverAll } = await twoNodes();
    const client = clientDoc();
    client.doc.getText('t').insert(0, 'ab');
    client.doc.getText('t').insert(2, 'cd');
    for (const update of client.updates) {
      await a.room.applyUpdate(update, scanUpdate(update), 'a-member').durable;
      await nextTurn();
      // The first update message is lost; the second depends on it.
      deliverAll((type) => type !== 'update' || update !== client.updates[0]);
    }
    expect(b.room.doc.store.pendingStructs).toBeNull();
    await b.room.catchUpNow();
    expect(b.room.doc.getText('t').toString()).toBe('abcd');
  });

  it('sends a commit notice with the next update message instead of on its own', async () => {
    const { a, b, network, notices, deliverAll } = await twoNodes();
    const client = clientDoc();
    await edit(a, client, 'first');
    await nextTurn();
    // Stored, and its notice waits for an update to ride on.
    expect(inFlight(network)).toEqual(['update']);
    expect(notices.count).toBe(1);
    const first = network.inFlight[0]!.message;
    deliverAll();
    expect(b.replica.unconfirmed).toBe(1);
    const second = edit(a, client, 'second');
    await nextTurn();
    expect(network.inFlight.map(({ message }) => message)).toMatchObject([
      { type: 'update', commit: { msgs: [msgOf(first)] } },
    ]);
    deliverAll();
    // The first is confirmed (and its record counted applied); the second is not, yet.
    expect(b.replica.unconfirmed).toBe(1);
    expect(b.room.doc.getMap('m').toJSON()).toEqual({ first: 'first', second: 'second' });
    await second;
    await nextTurn();
    notices.fireAll();
    expect(inFlight(network)).toEqual(['commit']);
    deliverAll();
    expect(b.replica.unconfirmed).toBe(0);
    expect(b.room.log.appliedThrough).toBe(a.room.log.appliedThrough);
    expect(b.room.log.behind).toBe(false);
  });

  it('learns of a record it missed from a notice that rode on an update', async () => {
    const { a, b, network, deliverAll } = await twoNodes();
    const client = clientDoc();
    await edit(a, client, 'lost');
    await nextTurn();
    deliverAll(() => false); // the first update message is lost
    await edit(a, client, 'next');
    await nextTurn();
    expect(inFlight(network)).toEqual(['update+commit']);
    deliverAll();
    expect(b.room.log.behind).toBe(true);
    await b.room.catchUpNow();
    expect(b.room.doc.getMap('m').toJSON()).toEqual({ lost: 'lost', next: 'next' });
  });

  it('sends a held notice on its own when its hold ends, and at once on flush or close', async () => {
    // The real timer: a notice with no update to carry it goes after its hold.
    const timed = await twoNodes(noticeTimer(5));
    await edit(timed.a, clientDoc(), 'k');
    const deadline = Date.now() + 5000;
    while (!inFlight(timed.network).includes('commit')) {
      if (Date.now() > deadline) throw new Error('the held notice never went');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    timed.deliverAll();
    expect(timed.b.replica.unconfirmed).toBe(0);

    const { a, network, notices } = await twoNodes();
    await edit(a, clientDoc(), 'k');
    await nextTurn();
    expect(notices.count).toBe(1);
    a.replica.close();
    expect(notices.count).toBe(0);
    expect(inFlight(network)).toEqual(['update', 'commit']);
  });

  it("sends a member's presence with its update of the same turn, and alone otherwise", async () => {
    const { a, b, network, deliverAll } = await twoNodes();
    const client = clientDoc();
    const presence = new Awareness(client.doc);
    const move = (x: number) => {
      presence.setLocalStateField('cursor', { x });
      const update = encodeAwarenessUpdate(presence, [client.doc.clientID]);
      a.room.applyAwareness(update, scanAwarenessUpdate(update), 'a-member');
    };
    move(1);
    const stored = edit(a, client, 'k');
    await nextTurn();
    expect(network.inFlight.map(({ message }) => message)).toMatchObject([
      { type: 'update', awareness: expect.any(Uint8Array) },
    ]);
    deliverAll();
    expect(b.room.doc.getMap('m').get('k')).toBe('k');
    expect(b.room.awareness.getStates().get(client.doc.clientID)).toEqual({ cursor: { x: 1 } });
    await stored;
    move(2);
    await nextTurn();
    expect(inFlight(network)).toEqual(['awareness']);
    deliverAll();
    expect(b.room.awareness.getStates().get(client.doc.clientID)).toEqual({ cursor: { x: 2 } });
    presence.destroy();
  });

  describe('under a burst', () => {
    /** `count` fresh edits of one member applied on node `a` in one turn; resolves once stored. */
    const burst = (a: { room: BoardRoom }, client: ReturnType<typeof clientDoc>, count: number) => {
      const stored: Promise<unknown>[] = [];
      for (let i = 0; i < count; i++) stored.push(edit(a, client, `k${client.updates.length}`));
      return Promise.all(stored);
    };
    /** The full check; the room docs define root `m` first (it is read lazily). */
    const converged = (...docs: Y.Doc[]) => {
      for (const doc of docs) doc.getMap('m');
      expectConverged(docs, ['node a', 'node b', 'client']);
    };
    const updateMessages = (network: FuzzNetwork) =>
      network.inFlight.filter(({ message }) => message.type === 'update').length;

    it('joins a burst into one message, holds the next one, and sends it at once on flush', async () => {
      const { a, b, network, notices, deliverAll } = await twoNodes(undefined, 60_000);
      const client = clientDoc();
      const first = burst(a, client, BUSY_UPDATES);
      await nextTurn();
      // One message for the whole turn, joined without decoding (each update came scanned).
      expect(updateMessages(network)).toBe(1);
      const firstMsg = network.inFlight[0]!.message;
      deliverAll();
      expect(b.room.doc.getMap('m').size).toBe(BUSY_UPDATES);
      await first;
      const second = burst(a, client, 3);
      await nextTurn();
      await second;
      await nextTurn();
      // Held: the board is busy. Stored meanwhile, its notice is held too.
      expect(updateMessages(network)).toBe(0);
      a.replica.flush();
      // The held message carries the notice of both messages, its own seqs included.
      const held = network.inFlight.map(({ message }) => message);
      expect(held).toMatchObject([{ type: 'update' }]);
      expect(held[0]).toMatchObject({
        commit: { msgs: [msgOf(firstMsg), msgOf(held[0]!)] },
      });
      deliverAll();
      expect(notices.count).toBe(0);
      expect(b.replica.unconfirmed).toBe(0);
      expect(b.room.log.behind).toBe(false);
      expect(b.room.log.appliedThrough).toBe(a.room.log.appliedThrough);
      converged(a.room.doc, b.room.doc, client.doc);
    });

    it('sends the held message by itself once the hold ends', async () => {
      const { a, b, network, deliverAll } = await twoNodes(undefined, 20);
      const client = clientDoc();
      await burst(a, client, BUSY_UPDATES);
      await nextTurn();
      deliverAll();
      await burst(a, client, 2);
      const deadline = Date.now() + 5000;
      while (updateMessages(network) === 0) {
        if (Date.now() > deadline) throw new Error('the held message never went');
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      deliverAll();
      a.replica.flush();
      deliverAll();
      expect(b.room.log.behind).toBe(false);
      converged(a.room.doc, b.room.doc, client.doc);
    });

    it('never holds paced editing', async () => {
      const { a, network } = await twoNodes(undefined, 60_000);
      const client = clientDoc();
      await burst(a, client, BUSY_UPDATES - 1);
      await nextTurn();
      expect(updateMessages(network)).toBe(1);
      await burst(a, client, 1);
      await nextTurn();
      expect(updateMessages(network)).toBe(2);
    });
  });

  it('tells a head below its own records that no notice has accounted for yet', async () => {
    // A fake board (a small unit): its log's head is 10; this node's message 1 has two
    // updates, of which one is stored as record 9 and the other not yet.
    const { network, bus, host } = fakeBoard(10);
    const replica = new BoardReplica({ host, bus, clock: systemClock, logger: silentLogger });
    const client = clientDoc();
    client.doc.getMap('m').set('x', 1);
    client.doc.getMap('m').set('y', 2);
    const msg = replica.published(client.updates[0]!);
    replica.published(client.updates[1]!);
    replica.committed(msg, 9);
    replica.storedAfterFailure(); // an (empty) notice is due
    replica.flush();
    expect(network.inFlight.map(({ message }) => message)).toMatchObject([
      { type: 'update', msg, commit: { msgs: [], head: 8 } },
    ]);
    replica.committed(msg, 10);
    replica.flush();
    expect(network.inFlight.at(-1)?.message).toMatchObject({
      type: 'commit',
      msgs: [msg],
      stored: [[9, 10]],
      head: 10,
    });
  });

  describe('message numbers', () => {
    it('are never reused by a node: not by a later load of the board, nor after a restart', () => {
      const { network, bus, host } = fakeBoard(0);
      const sent = (numbers?: MessageNumbers) => {
        const replica = new BoardReplica({
          host,
          bus,
          clock: systemClock,
          logger: silentLogger,
          ...(numbers ? { numbers } : {}),
        });
        const client = clientDoc();
        client.doc.getMap('m').set('k', 1);
        replica.published(client.updates[0]!);
        replica.close();
        const message = network.inFlight.at(-1)!.message;
        return message.type === 'update' ? message.msg : -1;
      };
      // Two loads of the board on this process, then a process started a second later.
      const first = sent();
      const second = sent();
      expect(second).toBeGreaterThan(first);
      const startedAt = Date.now();
      expect(sent(new MessageNumbers(startedAt + 1000))).toBeGreaterThan(second);
      expect(new MessageNumbers(startedAt).take()).toBeGreaterThan(second);
    });

    it("does not take a later load's message for an earlier one's: the record it missed is read", async () => {
      const { a, b, network, storage, deliverAll, make } = await twoNodes(null);
      const client = clientDoc();
      // Load 1 of the board on node a: b applies its edit, but the notice is lost.
      await edit(a, client, 'early');
      await nextTurn();
      deliverAll((type) => type === 'update');
      // b's periodic check reads the record: its log is up to date, the message still unconfirmed.
      await b.room.catchUpNow();
      expect(b.room.log.behind).toBe(false);
      expect(b.replica.unconfirmed).toBe(1);
      // Node a unloads the board and loads it again; b misses the new load's edit, then gets its
      // notice. Were the numbers reused, b would count that record as applied (it lacks it).
      await a.room.unload();
      await network.buses[0]!.unsubscribeBoard('b');
      const again = await make('a', storage);
      client.doc.getMap('m').set('late', 'late');
      const late = client.updates.at(-1)!;
      await again.room.applyUpdate(late, scanUpdate(late), 'a-member').durable;
      await nextTurn();
      expect(inFlight(network)).toEqual(['update', 'commit']);
      deliverAll((type) => type === 'commit');
      expect(b.room.log.behind).toBe(true);
      await b.room.catchUpNow();
      expect(b.room.doc.getMap('m').toJSON()).toEqual({ early: 'early', late: 'late' });
      // The earlier load's message, unconfirmed, was stored again rather than forgotten.
      await b.room.durable();
      expect(b.replica.unconfirmed).toBe(0);
      again.room.doc.getMap('m');
      expectConverged([again.room.doc, b.room.doc], ['a', 'b']);
    });

    it('stores what a crashed process sent when the node restarts under the same id', async () => {
      const { a, b, storage, deliverAll, make } = await twoNodes(null);
      publishAndDie(a, deliverAll);
      expect(await storedContent(storage)).toEqual({});
      // Process 2 under the same id (started later) stores an edit; its notice reaches b first
      // (b never saw node a go: it was back before its heartbeats were missed).
      const restarted = await make(
        'a',
        storage.sharedHandle(),
        new MessageNumbers(Date.now() + 1000),
      );
      await edit(restarted, clientDoc(), 'after');
      await nextTurn();
      deliverAll();
      await b.room.durable();
      expect(await storedContent(storage)).toEqual({ orphan: true, after: 'after' });
      expect(b.replica.unconfirmed).toBe(0);
    });

    it("stores another node's earlier load once, however many notices come while storage hangs", async () => {
      const { a, storage, deliverAll, make } = await twoNodes(null);
      // Node c's storage hangs (PostgreSQL unreachable from it) until released.
      const handle = storage.sharedHandle();
      const append = handle.append.bind(handle);
      const held: (() => void)[] = [];
      let hung = true;
      let appends = 0;
      handle.append = (boardId, update) => {
        appends++;
        if (!hung) return append(boardId, update);
        return new Promise((resolve, reject) => {
          held.push(() => append(boardId, update).then(resolve, reject));
        });
      };
      const c = await make('c', handle);
      publishAndDie(a, deliverAll);
      const restarted = await make(
        'a',
        storage.sharedHandle(),
        new MessageNumbers(Date.now() + 1000),
      );
      // Each notice of the new process says its numbers start past the orphan's: c adopts it,
      // once; the adoption waits in c's log, which keeps it until stored.
      for (const key of ['one', 'two', 'three']) {
        await edit(restarted, clientDoc(), key);
        await nextTurn();
        deliverAll();
      }
      expect(appends).toBe(1);
      hung = false;
      for (const release of held) release();
      await c.room.durable();
      expect(appends).toBe(1);
      expect(c.replica.unconfirmed).toBe(0);
      expect(await storedContent(storage)).toMatchObject({ orphan: true, three: 'three' });
    });
  });
});
