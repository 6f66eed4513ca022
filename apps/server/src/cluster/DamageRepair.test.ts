import { holdsPending, scanUpdate, skipFreeParts } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardRoom } from '../rooms/BoardRoom.js';
import { clientDoc, nextTurn, roomDeps } from '../rooms/testing/roomKit.js';
import { MemoryStorage } from '../storage/MemoryStorage.js';
import { expectConverged } from '../testing/convergence.js';
import { twoNodes } from './testing/twoNodes.js';

/** The board as a load reads it from `storage`. */
async function storedDoc(storage: MemoryStorage): Promise<Y.Doc> {
  const doc = new Y.Doc();
  for (const update of (await storage.load('b')).updates) {
    for (const part of skipFreeParts(update)) Y.applyUpdate(doc, part);
  }
  doc.getMap('m');
  return doc;
}

/** Three edits of one member on `room`, each stored as its own record. */
async function threeEdits(room: BoardRoom) {
  const client = clientDoc();
  for (const key of ['one', 'two', 'three']) {
    client.doc.getMap('m').set(key, key);
    const update = client.updates.at(-1)!;
    await room.applyUpdate(update, scanUpdate(update), 'a-member').durable;
  }
  return client;
}

/**
 * Nodes a and b hold a member's three edits; then record `damaged` no longer reads back, and
 * node c loads: it lacks that edit (and edit 3 waits, when record 2 is damaged).
 */
async function loadedAfterDamage(
  onDamageRepair: (step: 'asked' | 'stored') => void,
  damaged: 2 | 3 = 2,
) {
  const nodes = await twoNodes(null);
  const client = await threeEdits(nodes.a.room);
  await nextTurn();
  nodes.deliverAll();
  expect(nodes.storage.damage('b', damaged)).toBe(true);
  const c = await nodes.make('c', nodes.storage.sharedHandle(), undefined, { onDamageRepair });
  return { ...nodes, client, c };
}

/**
 * Delivers the requests in flight (a and b store what they hold beyond c), then their notices,
 * and c reads the records: every doc holds the member's edits.
 */
async function answeredAndRead(
  nodes: Awaited<ReturnType<typeof loadedAfterDamage>>,
): Promise<void> {
  const { a, b, c, client, deliverAll } = nodes;
  deliverAll();
  await a.room.flush();
  await b.room.flush();
  await nextTurn();
  deliverAll();
  await c.room.catchUpNow();
  for (const room of [a.room, b.room, c.room]) room.doc.getMap('m');
  expectConverged([client.doc, a.room.doc, b.room.doc, c.room.doc], ['client', 'a', 'b', 'c']);
}

describe('stored records damaged (a bad disk)', () => {
  it('a node that loads after the damage gets what they held from the nodes that hold it', async () => {
    const steps: string[] = [];
    const nodes = await loadedAfterDamage((step) => steps.push(step));
    const { c, client, storage } = nodes;
    expect(c.room.doc.getMap('m').toJSON()).toEqual({ one: 'one' });
    c.replica.announce();
    expect(steps).toEqual(['asked']);
    await answeredAndRead(nodes);
    // Storage holds the whole board again: so does every later load.
    expectConverged([client.doc, await storedDoc(storage)], ['client', 'storage']);
  });

  it('a request the bus lost is asked again by the periodic check', async () => {
    const steps: string[] = [];
    const nodes = await loadedAfterDamage((step) => steps.push(step));
    const { c, client, storage, deliverAll } = nodes;
    c.replica.announce();
    deliverAll((type) => type !== 'repair'); // Redis lost the request on its way to a and b
    await c.room.catchUpNow();
    // Storage cannot help: edit 3 still waits for edit 2, which only a and b hold.
    expect(c.room.doc.getMap('m').toJSON()).toEqual({ one: 'one' });
    c.room.damage.recheck(); // the first check may come right after the request: not yet
    expect(steps).toEqual(['asked']);
    c.room.damage.recheck();
    expect(steps).toEqual(['asked', 'asked']);
    await answeredAndRead(nodes);
    expectConverged([client.doc, await storedDoc(storage)], ['client', 'storage']);
  });

  it('asks again at the next checks, then only while content waits, ever less often', async () => {
    const asked: number[] = [];
    let check = 0;
    const { a, c, deliverAll } = await loadedAfterDamage((step) => {
      if (step === 'asked') asked.push(check);
    });
    c.replica.announce();
    // Every request is lost: edit 3 keeps waiting for edit 2.
    for (check = 1; check <= 40; check++) {
      c.room.damage.recheck();
      deliverAll(() => false);
    }
    expect(asked).toEqual([0, 2, 3, 4, 8, 16, 32]);
    // Once nothing waits (the member's edits came back another way), the requests stop.
    asked.length = 0;
    check = 0;
    c.room.damage.ask();
    deliverAll(() => false);
    for (check = 1; check <= 8; check++) {
      if (check === 4) {
        // What it lacked arrives (a client's join diff): nothing waits any more.
        const held = Y.encodeStateAsUpdate(a.room.doc, Y.encodeStateVector(c.room.doc));
        await c.room.applyUpdate(held, scanUpdate(held), 'c-member').durable;
      }
      c.room.damage.recheck();
      deliverAll(() => false);
    }
    expect(asked).toEqual([0, 2, 3, 4]);
    expect(holdsPending(c.room.doc.store)).toBe(false);
  });

  it('content that comes to wait after the requests stopped opens a new one', async () => {
    const steps: string[] = [];
    // The last record: a load lacks edit 3, and nothing waits for it yet.
    const nodes = await loadedAfterDamage((step) => steps.push(step), 3);
    const { a, c, client, deliverAll } = nodes;
    c.replica.announce();
    for (let check = 1; check <= 6; check++) {
      c.room.damage.recheck();
      deliverAll(() => false); // every request is lost
    }
    expect(c.room.doc.getMap('m').toJSON()).toEqual({ one: 'one', two: 'two' });
    // The member's next edit follows edit 3 in its clocks: read from storage, it waits on c.
    client.doc.getMap('m').set('four', 'four');
    const four = client.updates.at(-1)!;
    await a.room.applyUpdate(four, scanUpdate(four), 'a-member').durable;
    await nextTurn();
    deliverAll(); // c skips it on the bus (it builds on what c lacks), and reads it from storage
    await c.room.catchUpNow();
    expect(holdsPending(c.room.doc.store)).toBe(true);
    steps.length = 0;
    c.room.damage.recheck(); // waiting at one check: what it waits for may be on its way
    expect(steps).toEqual([]);
    c.room.damage.recheck(); // and at the next: c asks
    expect(steps).toEqual(['asked']);
    await answeredAndRead(nodes);
    // Nothing waits any more: the checks that follow ask nothing.
    steps.length = 0;
    for (let check = 1; check <= 16; check++) c.room.damage.recheck();
    expect(steps).toEqual([]);
  });

  it('answers each request for what its asker lacks, one after the other', async () => {
    const storage = new MemoryStorage();
    const room = await BoardRoom.load('b', roomDeps(storage));
    const client = await threeEdits(room);
    const before = (await storage.load('b')).updates.length;
    // Two nodes ask at once: one lacks edit 3, the other everything.
    const lacksThree = new Y.Doc();
    Y.applyUpdate(lacksThree, client.updates[0]!);
    Y.applyUpdate(lacksThree, client.updates[1]!);
    const stored = await Promise.all([
      room.damage.storeBeyond(Y.encodeStateVector(lacksThree)),
      room.damage.storeBeyond(new Uint8Array([0])),
    ]);
    expect(stored).toEqual([true, true]);
    const records = (await storage.load('b')).updates.slice(before);
    expect(records).toHaveLength(2);
    const whole = new Y.Doc();
    Y.applyUpdate(whole, records[1]!);
    whole.getMap('m');
    expectConverged([client.doc, whole], ['client', 'second answer']);
  });

  it('a compaction that meets them stores again what the board holds (one node)', async () => {
    const storage = new MemoryStorage();
    const steps: string[] = [];
    const room = await BoardRoom.load(
      'b',
      roomDeps(storage, { onDamageRepair: (step) => steps.push(step) }),
    );
    const client = await threeEdits(room);
    expect(storage.damage('b', 2)).toBe(true);
    await room.log.compact();
    await room.flush();
    // No other node to ask.
    expect(steps).toEqual(['stored']);
    expectConverged([client.doc, await storedDoc(storage)], ['client', 'storage']);
    const reloaded = await BoardRoom.load('b', roomDeps(storage));
    reloaded.doc.getMap('m');
    expectConverged([client.doc, reloaded.doc], ['client', 'reloaded']);
  });
});
