/**
 * Controlled-delivery fuzz test of the sync core, in the style of Yjs's `applyRandomTests` and
 * tldraw's `syncFuzz`: three nodes and six clients in one process, one shared storage, every
 * message (client <-> node, node <-> node) delivered in a random order, bus messages dropped and
 * duplicated, connections cut and clients rejoining on any node, boards unloaded and reloaded,
 * nodes crashing (kill -9) or leaving (SIGTERM) and replaced by new ones, nodes' storage going
 * down and coming back (appends failing, some after they committed), nodes cut off from Redis
 * and coming back, stored records damaged (a bad disk: they no longer read back), remote updates
 * left unconfirmed past the nodes' patience (a sweep after half a minute). Each seeded
 * run ends with the strictest convergence check: every client, every live node's document and
 * the stored board. Along the way, each time a client is told its content is stored (an ack, a
 * join answered without `unstored`), storage must hold it at that moment (`StoredClaims`).
 */

import { skipFreeParts } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { systemClock } from '../clock.js';
import { LATE_EVERY } from '../rooms/StoredDamage.js';
import { MemoryStorage } from '../storage/MemoryStorage.js';
import { expectConverged } from '../testing/convergence.js';
import { FuzzNetwork } from './testing/FuzzNetwork.js';
import {
  BOARD,
  causedByOutage,
  crash,
  createNode,
  FuzzClient,
  type FuzzNode,
  leave,
} from './testing/fuzzWorld.js';
import { HeldNotices } from './testing/HeldNotices.js';
import { StoredClaims } from './testing/StoredClaims.js';

/** mulberry32: small, seeded, reproducible. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}
type Rng = ReturnType<typeof random>;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Nodes made in a run, the first three included: crashes and leaves stop at this. */
const MAX_NODES = 6;

function edit(client: FuzzClient, rng: Rng, step: number): void {
  const { doc } = client;
  const shapes = doc.getMap<Y.Map<unknown>>('shapes');
  const order = doc.getArray<string>('order');
  const text = doc.getText('text');
  doc.transact(() => {
    const keys = [...shapes.keys()];
    switch (rng.int(5)) {
      case 0:
      case 1: {
        const id = `${client.name}-${step}`;
        const shape = new Y.Map<unknown>();
        shape.set('x', rng.int(1000));
        shapes.set(id, shape);
        order.push([id]);
        break;
      }
      case 2:
        if (keys.length > 0) shapes.get(rng.pick(keys))?.set('x', rng.int(1000));
        break;
      case 3:
        if (keys.length > 0) shapes.delete(rng.pick(keys));
        if (order.length > 0) order.delete(rng.int(order.length), 1);
        break;
      default:
        if (text.length > 0 && rng.next() < 0.3) text.delete(rng.int(text.length), 1);
        else text.insert(rng.int(text.length + 1), `${client.name}${step % 10}`);
    }
  });
}

async function run(seed: number, steps: number) {
  const rng = random(seed);
  const network = new FuzzNetwork();
  const storage = new MemoryStorage(true);
  // Half of them join as BoardProvider does, staying on while storage refuses writes.
  const clients = ['a', 'b', 'c', 'd', 'e', 'f'].map(
    (name, i) => new FuzzClient(name, 1 + rng.int(2 ** 31), i % 2 === 1),
  );
  // Commit notices wait for an update to ride on until the schedule ends their hold.
  const notices = new HeldNotices();
  // The nodes' cluster clock: a step may move it on by half a minute before a node's sweep.
  let skew = 0;
  const clock = { now: () => systemClock.now() + skew };
  let made = 0;
  /** Every node made, crashed ones included: their timers are stopped when the run ends. */
  const everyNode: FuzzNode[] = [];
  const newNode = (id?: string) => {
    made++;
    const handle = made === 1 ? storage : storage.sharedHandle();
    // In an outage, one append in four commits before it fails.
    const committedAnyway = () => rng.next() < 0.25;
    const node = createNode(
      id ?? `n${made}`,
      network,
      handle,
      () => clients,
      notices.timer,
      committedAnyway,
      clock,
    );
    everyNode.push(node);
    return node;
  };
  // The live nodes: one that crashes or leaves is replaced by a new one, as an orchestrator does.
  const nodes: FuzzNode[] = [newNode(), newNode(), newNode()];
  const replace = (node: FuzzNode, id?: string) => {
    nodes[nodes.indexOf(node)] = newNode(id);
  };
  const background: Promise<unknown>[] = [];
  let damaged = false;
  // What clients are told is stored must be stored when they are told (until a record is
  // damaged: storage then lacks what it once held).
  const claims = new StoredClaims(
    () => storage.storedNow(BOARD),
    () => !damaged,
  );
  for (const client of clients) client.claims = claims;
  const failures: unknown[] = [];
  // Failures an outage caused are expected (clients retry); any other fails the run.
  const track = (work: Promise<unknown>) =>
    background.push(
      work.catch((error: unknown) => {
        if (!causedByOutage(error)) failures.push(error);
      }),
    );
  for (const client of clients) track(client.join(rng.pick(nodes)));

  for (let step = 0; step < steps; step++) {
    const roll = rng.next();
    const client = rng.pick(clients);
    if (roll < 0.25) edit(client, rng, step);
    else if (roll < 0.45) track(client.sendOne());
    else if (roll < 0.6) client.receiveOne();
    else if (roll < 0.8 && network.inFlight.length > 0) {
      const fate = rng.next();
      network.deliver(
        rng.int(network.inFlight.length),
        fate < 0.1 ? 'drop' : fate < 0.15 ? 'twice' : 'deliver',
      );
    } else if (roll < 0.83) client.cut();
    else if (roll < 0.87 && !client.joined) track(client.join(rng.pick(nodes)));
    else if (roll < 0.89) {
      // A node's periodic check: asks again for damaged records' content, reads what it lacks.
      const room = rng.pick(nodes).rooms.get(BOARD);
      room?.damage.recheck();
      if (room) track(room.catchUpNow());
    } else if (roll < 0.93 && notices.count > 0) {
      notices.fire(rng.int(notices.count));
    } else if (roll < 0.95) {
      // Memory pressure: a node unloads the board if nobody is on it there.
      track(rng.pick(nodes).rooms.unloadIdle());
    } else if (roll < 0.955 && made < MAX_NODES) {
      const node = rng.pick(nodes);
      crash(node, clients);
      // Restarted under the same NODE_ID (a StatefulSet's pods are), or a new node.
      if (rng.next() < 0.5) replace(node, node.id);
      else {
        replace(node);
        network.announceGone(node.id);
      }
    } else if (roll < 0.96 && made < MAX_NODES) {
      const node = rng.pick(nodes);
      track(leave(node, clients));
      replace(node);
    } else if (roll < 0.97) {
      // A node's storage goes down, or comes back.
      const { outage } = rng.pick(nodes);
      outage.down = !outage.down;
    } else if (roll < 0.975) {
      // Bit rot: a stored record no longer reads back (none, if compacted away already).
      const head = (await storage.headSeqs([BOARD])).get(BOARD) ?? 0;
      if (head > 0 && storage.damage(BOARD, 1 + rng.int(head))) damaged = true;
    } else if (roll < 0.98) {
      // A node loses Redis, or gets it back (and catches up every board it holds).
      const { bus } = rng.pick(nodes);
      bus.down = !bus.down;
    } else if (roll < 0.983) {
      // Half a minute passes, and a node's periodic sweep deals with the remote updates whose
      // node has not confirmed them since (lost notices, or that node's storage is down).
      skew += 31_000;
      rng.pick(nodes).cluster.sweep();
    } else {
      for (let i = rng.int(3); i >= 0; i--) await turn();
    }
  }

  // Heal: storage back everywhere, deliver everything, let every client resync twice (to send
  // what it holds, then to receive what the others sent), with the nodes reading what they
  // missed in between.
  for (const node of nodes) {
    node.outage.down = false;
    node.bus.down = false;
  }
  notices.fireAll();
  while (network.inFlight.length > 0) network.deliver(0, 'deliver');
  await Promise.all(background);
  const settle = async () => {
    for (const client of clients) {
      await client.join(rng.pick(nodes));
      while ((await client.sendOne()) !== 'none') {}
    }
    // The periodic check asks again for what damaged records held (a request may have been
    // dropped), and the bus works again: what the nodes ask of each other is answered and stored.
    // It asks only at some of its runs (2-4, 8, 16, 32, 64, then every 64th): each node runs it
    // as often as it does in two minutes (every 2 s), so that an open request is asked again.
    for (let run = 0; run < LATE_EVERY; run++) {
      for (const node of nodes) node.rooms.get(BOARD)?.damage.recheck();
    }
    while (network.inFlight.length > 0) network.deliver(0, 'deliver');
    for (const node of nodes) await node.rooms.get(BOARD)?.flush();
    // Every node holds the board at the end, also one that unloaded it or never loaded it.
    for (const node of nodes) await (await node.rooms.acquire(BOARD)).catchUpNow();
  };
  const converge = async (withStorage: boolean) => {
    await settle();
    await settle();
    // The last catch-ups' relays go out at the end of the turn.
    await turn();
    for (const client of clients) while (client.toClient.length > 0) client.receiveOne();
    const stored = new Y.Doc();
    for (const update of (await storage.load(BOARD)).updates) {
      for (const part of skipFreeParts(update)) Y.applyUpdate(stored, part);
    }
    const docs = [...clients.map((c) => c.doc), ...nodes.map((n) => n.rooms.get(BOARD)!.doc)];
    if (withStorage) docs.push(stored);
    for (const doc of docs) {
      doc.getMap('shapes');
      doc.getArray('order');
      doc.getText('text');
    }
    expect(failures).toEqual([]);
    expect(claims.wrong).toEqual([]);
    // The check ran: a run's first joins are answered before anything can be damaged.
    expect(claims.checked).toBeGreaterThan(0);
    expectConverged(docs, [...clients.map((c) => c.name), ...nodes.map((n) => n.id), 'storage']);
  };
  // With records damaged, storage lacks their content while the nodes hold it in memory.
  await converge(!damaged);
  if (damaged) {
    // Every node restarts and loads the board again: what the damaged records held is then
    // what each node lacks, and the joins of the clients that hold it store it again.
    for (const node of [...nodes]) {
      await leave(node, clients);
      replace(node);
    }
    await converge(true);
  }
  // A crashed node's process would be gone with its timers; here its rooms and periodic check
  // would live on and keep the whole run in memory (a long sweep then ran out of heap).
  for (const node of everyNode) await node.rooms.close();
  return {
    shapes: clients[0]!.doc.getMap('shapes').size,
    text: clients[0]!.doc.getText('text').length,
  };
}

/**
 * Seeds that once failed, in every default run: 79808 (a node whose repair requests were all
 * dropped never asked again), 104812 (an ack claimed a resend stored before the other node's
 * update it carried was).
 */
const FOUND = [79808, 104812];

/**
 * Seeds 1-100 of 600 steps by default, and `FOUND`; a longer sweep: `FUZZ_SEEDS=1-2000
 * FUZZ_STEPS=3000` (a failing seed reruns alone as `FUZZ_SEEDS=1234`).
 */
function sweep(env: NodeJS.ProcessEnv): { seeds: number[]; steps: number } {
  const found = env.FUZZ_SEEDS === undefined ? FOUND : [];
  const [first, last] = (env.FUZZ_SEEDS ?? '1-100').split('-').map(Number);
  const from = first ?? 1;
  const to = last ?? from;
  const steps = Number(env.FUZZ_STEPS ?? 600);
  if (!Number.isInteger(from) || !Number.isInteger(to) || to < from || !(steps > 0)) {
    throw new Error(`FUZZ_SEEDS must be N or N-M and FUZZ_STEPS a count: ${env.FUZZ_SEEDS}`);
  }
  return { seeds: [...Array.from({ length: to - from + 1 }, (_, i) => from + i), ...found], steps };
}

describe('sync fuzz: nodes and clients under random delivery, drops, duplicates and cuts', () => {
  const { seeds, steps } = sweep(process.env);
  for (const seed of seeds) {
    it(`seed ${seed}`, async () => {
      const result = await run(seed, steps);
      // The run made real content: a fuzz that converges on nothing proves nothing.
      expect(result.shapes + result.text).toBeGreaterThan(0);
    });
  }
});
