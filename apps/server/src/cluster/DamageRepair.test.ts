import { holdsPending, scanUpdate, skipFreeParts } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardRoom } from '../rooms/BoardRoom.js';
import { StoredDamage } from '../rooms/StoredDamage.js';
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

  it('asks again at the next checks, then ever less often, for as long as it holds the board', async () => {
    const asked: number[] = [];
    let check = 0;
    const { c, deliverAll } = await loadedAfterDamage((step) => {
      if (step === 'asked') asked.push(check);
    });
    c.replica.announce();
    // Every request is lost: edit 3 keeps waiting for edit 2.
    for (check = 1; check <= 200; check++) {
      c.room.damage.recheck();
      deliverAll(() => false);
    }
    expect(asked).toEqual([0, 2, 3, 4, 8, 16, 32, 64, 128, 192]);
  });

  it('a request opened by a catch-up is asked again when the bus comes back', async () => {
    const nodes = await twoNodes(null);
    const { a, deliverAll, network, storage } = nodes;
    const steps: string[] = [];
    const c = await nodes.make('c', storage.sharedHandle(), undefined, {
      onDamageRepair: (step) => steps.push(step),
    });
    const client = await threeEdits(a.room);
    await nextTurn();
    // c misses the member's edits on the bus, and record 2 is damaged before c reads it.
    while (network.inFlight.length > 0) {
      const { to, message } = network.inFlight[0]!;
      const lost = to.nodeId === 'c' && (message.type === 'update' || message.type === 'commit');
      network.deliver(0, lost ? 'drop' : 'deliver');
    }
    expect(storage.damage('b', 2)).toBe(true);
    await c.room.catchUpNow();
    expect(steps).toEqual(['asked']);
    deliverAll(() => false); // lost
    for (let check = 1; check <= 4; check++) c.room.damage.recheck();
    deliverAll(() => false); // lost too
    steps.length = 0;
    // The bus comes back from an outage: ClusterNode announces every board it holds.
    c.replica.announce();
    expect(steps).toEqual(['asked']);
    await answeredAndRead({ ...nodes, client, c });
  });

  it('a node that lacks content nothing waits for, whose first requests were lost, gets it', async () => {
    const steps: string[] = [];
    // The last record: a load lacks edit 3, and nothing waits for it.
    const nodes = await loadedAfterDamage((step) => steps.push(step), 3);
    const { c, client, storage, deliverAll } = nodes;
    c.replica.announce();
    for (let check = 1; check <= 7; check++) {
      c.room.damage.recheck();
      deliverAll(() => false); // the request and its three retries are lost
    }
    expect(steps).toEqual(['asked', 'asked', 'asked', 'asked']);
    expect(holdsPending(c.room.doc.store)).toBe(false);
    c.room.damage.recheck(); // check 8
    expect(steps).toHaveLength(5);
    await answeredAndRead(nodes);
    expectConverged([client.doc, await storedDoc(storage)], ['client', 'storage']);
  });

  it('a request that finds its asker whole stores nothing, on a board with deletions', async () => {
    const steps: string[] = [];
    const nodes = await loadedAfterDamage((step) => steps.push(step));
    const { a, c, client, storage, deliverAll } = nodes;
    c.replica.announce();
    await answeredAndRead(nodes);
    // The member deletes a key: every node holds the deletion.
    client.doc.getMap('m').delete('one');
    const deletion = client.updates.at(-1)!;
    await a.room.applyUpdate(deletion, scanUpdate(deletion), 'a-member').durable;
    await nextTurn();
    deliverAll();
    await c.room.catchUpNow();
    expectConverged([client.doc, a.room.doc, c.room.doc], ['client', 'a', 'c']);
    const records = (await storage.load('b')).updates.length;
    steps.length = 0;
    c.room.damage.ask();
    await answeredAndRead(nodes);
    expect(steps).toEqual(['asked']);
    expect((await storage.load('b')).updates).toHaveLength(records);
  });

  it('a damaged record that held deletions only is stored again', async () => {
    const nodes = await twoNodes(null);
    const client = clientDoc();
    const map = client.doc.getMap('m');
    for (const change of [
      () => map.set('one', 1),
      () => map.set('two', 2),
      () => map.delete('one'),
    ]) {
      change();
      const update = client.updates.at(-1)!;
      await nodes.a.room.applyUpdate(update, scanUpdate(update), 'a-member').durable;
    }
    await nextTurn();
    nodes.deliverAll();
    expect(nodes.storage.damage('b', 3)).toBe(true);
    const steps: string[] = [];
    const c = await nodes.make('c', nodes.storage.sharedHandle(), undefined, {
      onDamageRepair: (step) => steps.push(step),
    });
    expect(c.room.doc.getMap('m').toJSON()).toEqual({ one: 1, two: 2 });
    expect(holdsPending(c.room.doc.store)).toBe(false);
    c.replica.announce();
    await answeredAndRead({ ...nodes, client, c });
    expect(c.room.doc.getMap('m').toJSON()).toEqual({ two: 2 });
    expectConverged([client.doc, await storedDoc(nodes.storage)], ['client', 'storage']);
  });

  it('content waiting at two checks in a row with no request open opens one', async () => {
    // A node that never read damage: another node's compaction deleted the damaged records,
    // and a record read since builds on what they held.
    const client = clientDoc();
    client.doc.getMap('m').set('one', 'one');
    client.doc.getMap('m').set('two', 'two');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, client.updates[1]!);
    const damage = new StoredDamage(
      { boardId: 'b', doc, log: { onDamaged: () => undefined } as never, loading: false },
      () => Promise.reject(new Error('not asked here')),
    );
    const asked: number[] = [];
    let check = 0;
    damage.askOthers = () => asked.push(check);
    expect(holdsPending(doc.store)).toBe(true);
    // Waiting at one check: what it waits for may be on its way. At the next: asked.
    for (check = 1; check <= 2; check++) damage.recheck();
    expect(asked).toEqual([2]);
    expect(damage.open).toBe(true);
    // Open from then on, asked at the power-of-two checks after the retries.
    for (check = 3; check <= 30; check++) damage.recheck();
    expect(asked).toEqual([2, 6, 14, 30]);
    // With nothing waiting, none opens.
    const whole = new StoredDamage(
      {
        boardId: 'b',
        doc: client.doc,
        log: { onDamaged: () => undefined } as never,
        loading: false,
      },
      () => Promise.reject(new Error('not asked here')),
    );
    whole.askOthers = () => asked.push(-1);
    for (let i = 0; i < 10; i++) whole.recheck();
    expect(asked).not.toContain(-1);
    expect(whole.open).toBe(false);
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
