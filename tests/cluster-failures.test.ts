/**
 * The cluster under the failures we can produce here, with real processes: a node killed with
 * SIGKILL mid-edit, Redis killed and restarted, Redis dropping subscribers that pass their output
 * buffer limit (as it does to slow ones), PostgreSQL stopped and restarted. Each ends with
 * the strict convergence check of every client and every surviving node's own document, and
 * checks every acked edit edit by edit.
 */
import { ErrorCode } from '@drawbridge/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Y from 'yjs';
import { documentVersion } from '../apps/server/src/rooms/documentVersion.js';
import { AckingWriter } from './utils/ackingWriter.js';
import { nodeMetric, startCluster, type TestCluster } from './utils/cluster.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { fetchBoard } from './utils/rawClient.js';

const ADMIN_TOKEN = 'cluster-test-admin-token-0123456789abcdef';
const verbose = process.env.DRAWBRIDGE_TEST_VERBOSE === '1';
const report = (figures: Record<string, unknown>) => {
  if (verbose) console.info(JSON.stringify(figures));
};

let cluster: TestCluster;
let peers: Peer[] = [];
let writers: AckingWriter[] = [];
let boardCount = 0;
const newBoard = () => `failures-${process.pid}-${++boardCount}`;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 3, env: { ADMIN_TOKEN } });
}, 60_000);

afterAll(async () => {
  await cluster?.destroy();
});

afterEach(async () => {
  destroyAll(peers);
  for (const writer of writers) writer.close();
  peers = [];
  writers = [];
  // Every test leaves the cluster whole for the next one.
  for (const [i, node] of cluster.nodes.entries()) if (!node) await cluster.start(i);
});

const peer = (node: number, boardId: string, doc?: Y.Doc): Peer => {
  const created = connectPeer(cluster.url(node), boardId, doc ? { doc } : {});
  peers.push(created);
  return created;
};

async function nodeVersion(node: number, boardId: string): Promise<string | undefined> {
  const res = await fetch(`${cluster.url(node)}/api/boards/${boardId}/status`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return ((await res.json()) as { version?: string }).version;
}

/** Every client and the given nodes' documents hold the same board. */
async function expectAllConverged(
  docs: Y.Doc[],
  nodes: number[],
  boardId: string,
  timeout = 10_000,
) {
  await expectConverged(docs, timeout);
  for (const node of nodes) {
    await vi.waitFor(
      async () => expect(await nodeVersion(node, boardId)).toBe(documentVersion(docs[0]!)),
      {
        timeout,
        interval: 50,
      },
    );
  }
}

/** Update messages node `index` has received from the others over the bus. */
const updatesReceived = (index: number) =>
  nodeMetric(cluster.url(index), 'drawbridge_cluster_messages_total', {
    direction: 'in',
    type: 'update',
  });

let shapeCount = 0;
const addShape = (p: Peer, tag: string) =>
  p.doc.getMap('shapes').set(`${tag}-${++shapeCount}`, { kind: 'rect' });

/** A client of `boardId` on each of the three nodes, live, each with one edit saved. */
async function editorsOnEveryNode(boardId: string): Promise<Peer[]> {
  const clients = [0, 1, 2].map((node) => peer(node, boardId));
  await Promise.all(clients.map(whenLive));
  for (const p of clients) addShape(p, 'before');
  await Promise.all(clients.map(whenSaved));
  return clients;
}

/** How many states (its own included) a member's presence shows. */
const seen = (p: Peer) => p.provider.awareness.getStates().size;

/** A member of `boardId` on each of the three nodes, each with a state the others all show. */
async function presentOnEveryNode(boardId: string): Promise<Peer[]> {
  const members = [0, 1, 2].map((node) => peer(node, boardId));
  await Promise.all(members.map(whenLive));
  members.forEach((p, i) => {
    p.provider.awareness.setLocalState({ user: { name: `member ${i + 1}` } });
  });
  await vi.waitFor(() => expect(members.map(seen)).toEqual([3, 3, 3]), {
    timeout: 5000,
    interval: 20,
  });
  return members;
}

describe('cluster failures', () => {
  it('kill -9 of a node mid-edit: its clients resync elsewhere, every acked edit is kept, its cursors vanish', async () => {
    const boardId = newBoard();
    const observer = peer(0, boardId);
    const other = peer(1, boardId);
    const doomed = peer(2, boardId);
    await Promise.all([observer, other, doomed].map(whenLive));
    doomed.provider.awareness.setLocalState({ name: 'on node 3' });
    const doomedId = doomed.doc.clientID;
    await vi.waitFor(() =>
      expect(observer.provider.awareness.getStates().has(doomedId)).toBe(true),
    );

    const writer = new AckingWriter(boardId, 'w');
    writers.push(writer);
    await writer.connect(cluster.url(2));
    // Edits in flight on node 3 when it dies: some acked, some not.
    const inFlight: Promise<void>[] = [];
    while (writer.acked.size < 60) {
      inFlight.push(writer.edit());
      addShape(doomed, 'doomed');
      addShape(other, 'other');
      if (inFlight.length % 10 === 0) await inFlight.at(-1);
    }
    for (let i = 0; i < 20; i++) inFlight.push(writer.edit());
    const killedAt = Date.now();
    await cluster.nodes[2]!.kill('SIGKILL');
    await Promise.all(inFlight);

    // The dead node's members vanish from the others' presence within 5 s (its heartbeats stop).
    await vi.waitFor(
      () => expect(observer.provider.awareness.getStates().has(doomedId)).toBe(false),
      {
        timeout: 5000,
        interval: 20,
      },
    );
    const cursorGoneMs = Date.now() - killedAt;

    // Every acked edit is on the surviving nodes before any client resends anything.
    const survivor = await fetchBoard(cluster.url(0), boardId);
    const stored = new Set(survivor.getMap('shapes').keys());
    const lost = [...writer.acked].filter((key) => !stored.has(key));
    expect(lost).toEqual([]);

    // Its clients move to another node and resync their unacked edits by the usual rejoin.
    writer.close();
    doomed.provider.destroy();
    const movedWriter = peer(1, boardId, writer.doc);
    const movedDoomed = peer(0, boardId, doomed.doc);
    await Promise.all([movedWriter, movedDoomed, observer, other].map(whenSaved));
    const docs = [observer.doc, other.doc, movedWriter.doc, movedDoomed.doc];
    await expectAllConverged(docs, [0, 1], boardId);
    const final = new Set(observer.doc.getMap('shapes').keys());
    expect(writer.sent.filter((key) => !final.has(key))).toEqual([]);
    report({ test: 'kill -9', acked: writer.acked.size, sent: writer.sent.length, cursorGoneMs });
  });

  it('Redis killed during edits and back 3 s later: everything reconverges, nothing acked is lost', async () => {
    const boardIds = [newBoard(), newBoard()];
    const clients = (await Promise.all(boardIds.map(editorsOnEveryNode))).flat();

    await cluster.redis.kill('SIGKILL');
    // Three seconds of editing without Redis: each node serves its own members and stores every
    // edit (acked by PostgreSQL), but the nodes cannot hear each other.
    const outageStart = Date.now();
    let rounds = 0;
    while (Date.now() - outageStart < 3000) {
      for (const p of clients) addShape(p, 'outage');
      await Promise.all(clients.map(whenSaved));
      rounds++;
    }
    await cluster.redis.restart();
    const back = Date.now();
    for (const [b, boardId] of boardIds.entries()) {
      const docs = clients.slice(b * 3, b * 3 + 3).map((p) => p.doc);
      await expectAllConverged(docs, [0, 1, 2], boardId, 5000);
      expect(docs[0]!.getMap('shapes').size).toBe(3 * (rounds + 1));
    }
    const reconvergedMs = Date.now() - back;
    for (const node of cluster.nodes) expect(node?.child.exitCode).toBeNull();
    expect(
      await nodeMetric(cluster.url(0), 'drawbridge_cluster_gaps_repaired_total'),
    ).toBeGreaterThan(0);
    // And the bus works again: a new edit crosses nodes.
    addShape(clients[0]!, 'after');
    await expectConverged(clients.slice(0, 3).map((p) => p.doc));
    report({ test: 'redis outage', rounds, edits: 6 * rounds, reconvergedMs });
  });

  it("presence after a Redis outage past the nodes' silence: every idle member is shown again at once", async () => {
    const members = await presentOnEveryNode(newBoard());
    const setAt = Date.now();

    // Without Redis, each node finds the others silent (3 s) and drops their members' cursors.
    await cluster.redis.kill('SIGKILL');
    await vi.waitFor(() => expect(members.map(seen)).toEqual([1, 1, 1]), {
      timeout: 10_000,
      interval: 20,
    });
    await cluster.redis.restart();
    const back = Date.now();
    // Nobody changed their state: the nodes take the same states back when they hear each
    // other again, not 15 s after they were set, when each awareness renews its own.
    await vi.waitFor(() => expect(members.map(seen)).toEqual([3, 3, 3]), {
      timeout: 5000,
      interval: 20,
    });
    const shownMs = Date.now() - back;
    expect(Date.now() - setAt).toBeLessThan(15_000);
    report({ test: 'presence after a Redis outage', shownMs });
  });

  it('presence after a node stalls past its silence (SIGSTOP): its idle members are shown again once it resumes', async () => {
    const members = await presentOnEveryNode(newBoard());
    const setAt = Date.now();

    // Node 3 stops running (a long pause, a frozen VM): no bus reconnect anywhere, only silence.
    const stalled = cluster.nodes[2]!;
    stalled.child.kill('SIGSTOP');
    try {
      await vi.waitFor(() => expect(members.slice(0, 2).map(seen)).toEqual([2, 2]), {
        timeout: 10_000,
        interval: 20,
      });
    } finally {
      stalled.child.kill('SIGCONT');
    }
    const resumed = Date.now();
    await vi.waitFor(() => expect(members.map(seen)).toEqual([3, 3, 3]), {
      timeout: 5000,
      interval: 20,
    });
    const shownMs = Date.now() - resumed;
    expect(Date.now() - setAt).toBeLessThan(15_000);
    report({ test: 'presence after a stall', shownMs });
  });

  it('presence after a node restarts under its id within its silence: its members, moved elsewhere, are shown', async () => {
    const boardId = newBoard();
    const [moving, watcher] = [peer(0, boardId), peer(1, boardId)];
    await Promise.all([moving, watcher].map(whenLive));
    moving.provider.awareness.setLocalState({ user: { name: 'moving' } });
    const shown = () =>
      watcher.provider.awareness.getStates().get(moving.doc.clientID) as
        | { cursor?: number }
        | undefined;
    await vi.waitFor(() => expect(shown()).toBeDefined(), { timeout: 5000, interval: 20 });

    // Node 1 dies and is back under the same NODE_ID (a StatefulSet's pod) before the others
    // find it silent; its client meanwhile moved to node 2, as a load balancer sends it.
    const { port } = cluster.nodes[0]!;
    await cluster.nodes[0]!.kill('SIGKILL');
    const restarting = cluster.start(0, port);
    moving.provider.socket.disconnect();
    moving.provider.destroy();
    const moved = peer(1, boardId, moving.doc);
    moved.provider.awareness.setLocalState({ user: { name: 'moving' }, cursor: 1 });
    await restarting;
    await whenLive(moved);
    moved.provider.awareness.setLocalStateField('cursor', 2);
    await vi.waitFor(() => expect(shown()).toMatchObject({ cursor: 2 }), {
      timeout: 2000,
      interval: 20,
    });
  });

  it('Redis drops subscribers past their output buffer limit: the nodes resubscribe and catch up', async () => {
    // Redis closes a subscriber whose pending output passes the pubsub hard limit: here 64 KB,
    // so one paste of 200 KB, sent to every node holding its board (its own node included, as
    // sharded channels echo), drops them all at once. What is published while they are gone
    // never reaches them; each must read it from PostgreSQL after it resubscribes.
    const reconnectsBefore = cluster.nodes.map(
      (node) => node!.logs.filter((line) => line.includes('redis bus reconnected')).length,
    );
    const boardId = newBoard();
    const clients = await editorsOnEveryNode(boardId);
    // Every document reads the text (the convergence check compares the types a doc has).
    const notes = clients.map((p) => p.doc.getText('notes'));
    expect(
      await cluster.redis.command('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 64kb 0 0'),
    ).toBe('+OK');
    try {
      notes[0]!.insert(0, 'x'.repeat(200_000));
      // Edits on every node while the subscribers are gone or coming back.
      for (let round = 0; round < 20; round++) {
        for (const p of clients) addShape(p, 'during');
        await Promise.all(clients.map(whenSaved));
      }
      await vi.waitFor(
        () => expect(cluster.redis.output.join('\n')).toMatch(/closed .*output buffer limits/i),
        { timeout: 5000, interval: 50 },
      );
      await expectAllConverged(
        clients.map((p) => p.doc),
        [0, 1, 2],
        boardId,
        5000,
      );
      expect(notes[2]!.length).toBe(200_000);
      expect(clients[1]!.doc.getMap('shapes').size).toBe(3 * 21);
    } finally {
      await cluster.redis.command(
        'CONFIG',
        'SET',
        'client-output-buffer-limit',
        'pubsub 32mb 8mb 60',
      );
    }
    // Every node lost its subscriber and came back through the catch-up, none crashed.
    for (const [i, node] of cluster.nodes.entries()) {
      expect(node?.child.exitCode).toBeNull();
      const reconnects = node!.logs.filter((line) => line.includes('redis bus reconnected'));
      expect(reconnects.length).toBeGreaterThan(reconnectsBefore[i]!);
    }
    // And the bus carries edits again (received as update messages, not read from storage).
    const received = await updatesReceived(0);
    addShape(clients[2]!, 'after');
    await expectConverged(clients.map((p) => p.doc));
    expect(await updatesReceived(0)).toBeGreaterThan(received);
    if (verbose) console.info(cluster.redis.output.filter((line) => /output buffer/i.test(line)));
  });

  it('Redis hangs during edits: edits are acked, boards open, SIGTERM ends, and all converge once it answers', async () => {
    // SIGSTOP: Redis keeps its connections open and answers nothing, as a swapping or
    // partitioned Redis does. Every node must notice, keep serving its own members, and still
    // be able to stop.
    const boardId = newBoard();
    const clients = await editorsOnEveryNode(boardId);
    const stopping = cluster.nodes[2]!;
    cluster.redis.pause();
    let hungMs = 0;
    try {
      const hungAt = Date.now();
      for (let round = 0; round < 5; round++) {
        for (const p of clients) addShape(p, 'hung');
        await Promise.all(clients.map(whenSaved));
      }
      // The node says it cannot reach Redis.
      await vi.waitFor(
        async () => expect((await fetch(`${cluster.url(0)}/readyz`)).status).toBe(503),
        { timeout: 15_000, interval: 200 },
      );
      // A board nobody had open still opens (its subscribe is not waited on for ever).
      const fresh = peer(1, newBoard());
      addShape(fresh, 'fresh');
      await whenSaved(fresh);
      // And a node told to stop stops: it stored what it accepted and exits 0.
      const exit = await Promise.race([
        stopping.kill('SIGTERM'),
        new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 30_000)),
      ]);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(stopping.logs.some((line) => line.includes('stopped cleanly'))).toBe(true);
      hungMs = Date.now() - hungAt;
    } finally {
      cluster.redis.resume();
    }
    // The two nodes left hold every acked edit, the stopped node's members' included.
    const docs = clients.slice(0, 2).map((p) => p.doc);
    await expectAllConverged(docs, [0, 1], boardId, 10_000);
    expect(docs[0]!.getMap('shapes').size).toBe(3 * 6);
    await vi.waitFor(
      async () => expect((await fetch(`${cluster.url(0)}/readyz`)).status).toBe(200),
      { timeout: 15_000, interval: 200 },
    );
    // The bus carries edits again.
    const received = await updatesReceived(0);
    addShape(clients[1]!, 'after');
    await expectConverged(docs);
    expect(await updatesReceived(0)).toBeGreaterThan(received);
    report({ test: 'redis hung', hungMs });
  });

  it('PostgreSQL stopped during edits: nothing is acked while it is down, editors keep drawing together, nothing is lost, edits land after', async () => {
    const boardId = newBoard();
    const clients = await editorsOnEveryNode(boardId);
    const ackedBefore = new Set(clients[0]!.doc.getMap('shapes').keys());

    const writer = new AckingWriter(boardId, 'pgdown');
    writers.push(writer);
    await writer.connect(cluster.url(1));
    await cluster.pg.stop();
    for (const p of clients) addShape(p, 'outage');
    await writer.edit();
    expect(writer.acked.size).toBe(0);
    // The clients hear a retryable error, not an ack.
    await vi.waitFor(() => {
      for (const p of clients) {
        expect(p.provider.state.unsaved).toBeGreaterThan(0);
        expect(p.provider.state.error?.code).toBe(ErrorCode.STORAGE_ERROR);
      }
    });
    for (const node of cluster.nodes) expect(node?.child.exitCode).toBeNull();
    // Yet they keep drawing together, on three nodes: each one's rejoin on its connection is
    // answered from its node's memory, saying it is not stored (PROTOCOL.md §4.1), not refused.
    for (const p of clients) addShape(p, 'live');
    await expectConverged(clients.map((p) => p.doc));
    for (const p of clients) {
      expect(p.provider.state.status).toBe('live');
      expect(p.provider.state.unsaved).toBeGreaterThan(0);
    }
    expect(writer.acked.size).toBe(0);

    await cluster.pg.restart();
    const back = Date.now();
    const moved = peer(2, boardId, writer.doc);
    await Promise.all([...clients, moved].map((p) => whenSaved(p)));
    await expectAllConverged(
      [...clients, moved].map((p) => p.doc),
      [0, 1, 2],
      boardId,
    );
    const final = new Set(clients[0]!.doc.getMap('shapes').keys());
    expect([...ackedBefore].filter((key) => !final.has(key))).toEqual([]);
    expect(final.size).toBe(10); // 3 before, 6 during the outage, 1 from the raw writer
    report({ test: 'postgres outage', landedMs: Date.now() - back });
  });
});
