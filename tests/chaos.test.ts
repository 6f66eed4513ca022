/**
 * Real clients under random failures: `BoardProvider`s (the client every app uses), over
 * WebSocket and long-polling, edit one board through real Drawbridge processes while a seeded
 * schedule cuts their connections, takes them offline and back, moves them to other nodes,
 * kills (-9) or stops (SIGTERM) the servers and restarts them on the same port, and stalls them
 * (SIGSTOP) and resumes them; in the cluster, Redis dies and comes back too, and PostgreSQL
 * crashes, shuts down or hangs (SIGSTOP) and comes back.
 * Tabs close once saved (a new client takes their place): what they held, only the servers keep.
 * The sync fuzz (`apps/server/src/cluster/syncFuzz.test.ts`) replays such schedules exactly, in
 * one process, with a model of the client; this runs the real client, Socket.IO and processes,
 * at real timing, so a run is not replayed exactly: its seed names the test, and with
 * DRAWBRIDGE_TEST_VERBOSE=1 a failing run prints what its schedule did, step by step.
 *
 * Every run ends with the full convergence check of every client and every node's own document,
 * and of presence; checks that the board holds everything each closed tab held; then kills
 * every node (-9), starts them again, and checks that a new client gets exactly the same board
 * from storage: every client says it is saved by then, so all of it was acked.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { documentVersion } from '../apps/server/src/rooms/documentVersion.js';
import { startCluster, type TestCluster } from './utils/cluster.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { killAllServers, type SpawnedServer, spawnServer } from './utils/process.js';
import { createRandom } from './utils/random.js';
import { tempDir } from './utils/server.js';

const ADMIN_TOKEN = 'chaos-test-admin-token-0123456789abcdef';
const ENV = {
  ADMIN_TOKEN,
  // Rate limiting is not under test: the schedule's bursts must not be refused.
  MAX_MESSAGES_PER_SECOND: '100000',
  // Compactions interleave with the edits and the failures.
  COMPACT_EVERY: '40',
  GAP_CHECK_MS: '500',
  // A SIGTERM while PostgreSQL hangs gives up on its flush after this (25 s by default).
  SHUTDOWN_TIMEOUT_MS: '5000',
};
const BOARD = 'chaos';
const STEPS = 360;
const CLIENTS = 5;

/** How PostgreSQL fails: SIGKILL, a clean stop, or SIGSTOP (a hang: it answers nothing). */
type PostgresFailure = 'crash' | 'stop' | 'hang';

/** The servers under test: one, or a cluster; started again on the same port after a failure. */
interface Servers {
  count: number;
  url(index: number): string;
  /** The server's process; undefined while it is down. */
  process(index: number): SpawnedServer | undefined;
  kill(index: number, signal: NodeJS.Signals): Promise<void>;
  restart(index: number): Promise<void>;
  /** Kills the cluster's Redis (-9), or starts it again; absent on a single node. */
  redis?: { down: boolean; toggle(): Promise<void> };
  /**
   * Crashes the cluster's PostgreSQL (-9) or shuts it down (fast: sessions cut), or starts it
   * again on the same data; absent on a single node.
   */
  postgres?: { down: boolean; toggle(how: PostgresFailure): Promise<void> };
  destroy(): Promise<void>;
}

async function singleNode(): Promise<Servers> {
  const dataDir = tempDir('drawbridge-chaos-');
  let server: SpawnedServer | undefined = await spawnServer({ dataDir, env: ENV });
  const port = server.port;
  return {
    count: 1,
    url: () => `http://127.0.0.1:${port}`,
    process: () => server,
    async kill(_, signal) {
      const killed = server;
      server = undefined;
      await killed?.kill(signal);
    },
    async restart() {
      server = await spawnServer({ dataDir, port, env: ENV });
    },
    async destroy() {
      await killAllServers();
    },
  };
}

async function threeNodes(): Promise<Servers> {
  const cluster: TestCluster = await startCluster({ nodes: 3, env: ENV });
  const ports = cluster.nodes.map((node) => node!.port);
  const redis = {
    down: false,
    async toggle() {
      if (redis.down) await cluster.redis.restart();
      else await cluster.redis.kill('SIGKILL');
      redis.down = !redis.down;
    },
  };
  let hung = false;
  const postgres = {
    down: false,
    async toggle(how: PostgresFailure) {
      if (hung) cluster.pg.resume();
      else if (postgres.down) await cluster.pg.restart();
      else if (how === 'crash') await cluster.pg.kill('SIGKILL');
      else if (how === 'hang') cluster.pg.pause();
      else await cluster.pg.stop();
      hung = !postgres.down && how === 'hang';
      postgres.down = !postgres.down;
    },
  };
  return {
    count: 3,
    url: (index) => `http://127.0.0.1:${ports[index]}`,
    process: (index) => cluster.nodes[index],
    async kill(index, signal) {
      await cluster.nodes[index]?.kill(signal);
      cluster.nodes[index] = undefined;
    },
    async restart(index) {
      await cluster.start(index, ports[index]);
    },
    redis,
    postgres,
    destroy: () => cluster.destroy(),
  };
}

const running = (s: Servers, index: number) => s.process(index) !== undefined;

/** One transaction of a random whiteboard edit: add, move or delete a shape, or type. */
function edit(doc: Y.Doc, tag: string, rng: ReturnType<typeof createRandom>): void {
  const shapes = doc.getMap<Y.Map<unknown>>('shapes');
  const order = doc.getArray<string>('order');
  const text = doc.getText('text');
  doc.transact(() => {
    const keys = [...shapes.keys()];
    const roll = rng.next();
    if (keys.length > 0 && roll < 0.25) {
      shapes.get(rng.pick(keys))?.set('x', rng.int(1000));
    } else if (keys.length > 3 && roll < 0.4) {
      const key = rng.pick(keys);
      shapes.delete(key);
      const at = order.toArray().indexOf(key);
      if (at >= 0) order.delete(at, 1);
    } else if (roll < 0.55) {
      if (text.length > 0 && rng.next() < 0.3) text.delete(rng.int(text.length), 1);
      else text.insert(rng.int(text.length + 1), tag.slice(0, 2));
    } else {
      const shape = new Y.Map<unknown>();
      shape.set('kind', 'rect');
      shape.set('x', rng.int(1000));
      shapes.set(tag, shape);
      order.push([tag]);
    }
  });
}

/** One transaction adding `count` shapes. */
function paste(doc: Y.Doc, tag: string, count: number, rng: ReturnType<typeof createRandom>): void {
  const shapes = doc.getMap<Y.Map<unknown>>('shapes');
  const order = doc.getArray<string>('order');
  doc.transact(() => {
    for (let i = 0; i < count; i++) {
      const shape = new Y.Map<unknown>();
      shape.set('kind', 'rect');
      shape.set('x', rng.int(1000));
      shape.set('y', rng.int(1000));
      shape.set('label', `${tag} shape ${i}`);
      shapes.set(`${tag}-paste-${i}`, shape);
      order.push([`${tag}-paste-${i}`]);
    }
  });
}

/** This node's document's version, as its admin API reports it (undefined: not loaded). */
async function nodeVersion(url: string): Promise<string | undefined> {
  const res = await fetch(`${url}/api/boards/${BOARD}/status`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return ((await res.json()) as { version?: string }).version;
}

/**
 * Lets real time pass between two steps of the schedule, as between a user's actions: messages
 * travel, acks come back, reconnects happen. Not a wait for anything: what the test checks, it
 * waits for with a deadline.
 */
const pace = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let servers: Servers | undefined;
let peers: Peer[] = [];

afterEach(async () => {
  destroyAll(peers);
  peers = [];
  await servers?.destroy();
  servers = undefined;
});

async function run(seed: number, start: () => Promise<Servers>): Promise<Record<string, number>> {
  const rng = createRandom(seed);
  const s = await start();
  servers = s;
  const counts: Record<string, number> = {};
  /** What the schedule did, step by step: printed when a run fails. */
  const trace: string[] = [];
  let now = '';
  const count = (what: string, detail = '') => {
    counts[what] = (counts[what] ?? 0) + 1;
    trace.push(`${now} ${what} ${detail}`.trim());
  };
  const nodeOf = (client: ChaosClient) =>
    Array.from({ length: s.count }, (_, i) => s.url(i)).indexOf(client.url);
  const liveNode = (): number | undefined => {
    const up = Array.from({ length: s.count }, (_, i) => i).filter((i) => running(s, i));
    return up.length > 0 ? rng.pick(up) : undefined;
  };
  /**
   * Each client: its document, its provider now, whether it went offline on purpose, and its
   * transport (the last two long-poll, as behind a proxy that refuses WebSocket upgrades).
   */
  const clients = Array.from({ length: CLIENTS }, (_, i) => {
    const transports: ('websocket' | 'polling')[] = [i < CLIENTS - 2 ? 'websocket' : 'polling'];
    const url = s.url(i % s.count);
    const peer = connectPeer(url, BOARD, { transports });
    peers.push(peer);
    return { name: `c${i}`, doc: peer.doc, peer, url, offline: false, transports };
  });
  await Promise.all(clients.map((c) => whenLive(c.peer)));
  /** Nodes stopped by SIGSTOP, to resume. */
  const stalled = new Set<number>();
  const resume = (node: number) => {
    s.process(node)?.child.kill('SIGCONT');
    stalled.delete(node);
  };
  /** What each closed tab held when it closed, saved. */
  const closed: { name: string; update: Uint8Array }[] = [];
  for (const c of clients) c.peer.provider.awareness.setLocalState({ user: { name: c.name } });

  for (let step = 0; step < STEPS; step++) {
    const client = rng.pick(clients);
    const roll = rng.next();
    now = `${step} ${client.name} (node ${nodeOf(client)})`;
    if (roll < 0.55) {
      for (let i = rng.int(3); i >= 0; i--) edit(client.doc, `${client.name}-${step}-${i}`, rng);
      count('edits');
    } else if (roll < 0.65) {
      // The network drops: Socket.IO reconnects by itself and the provider rejoins.
      client.peer.provider.socket.io.engine?.close();
      count('cuts');
    } else if (roll < 0.72) {
      // The laptop's lid: offline for a while (editing on), then back.
      if (client.offline) client.peer.provider.socket.connect();
      else client.peer.provider.socket.disconnect();
      client.offline = !client.offline;
      count('offline');
    } else if (roll < 0.74) {
      // A cursor moves.
      client.peer.provider.awareness.setLocalStateField('cursor', { x: rng.int(1000), step });
      count('cursors');
    } else if (roll < 0.79) {
      // The load balancer sends the client's next connection to another node: the same document
      // and presence go on through a new connection (as one provider's socket would, behind it).
      const node = liveNode();
      if (node !== undefined) {
        const { provider } = client.peer;
        provider.socket.disconnect();
        provider.destroy();
        client.url = s.url(node);
        client.peer = connectPeer(client.url, BOARD, {
          doc: client.doc,
          awareness: provider.awareness,
          transports: client.transports,
        });
        peers.push(client.peer);
        client.offline = false;
        count('moves', `to node ${node}`);
      }
    } else if (roll < 0.83) {
      const node = rng.int(s.count);
      const down = Array.from({ length: s.count }, (_, i) => i).filter((i) => !running(s, i));
      if (stalled.has(node)) {
        resume(node);
        count('resumed', `node ${node}`);
      } else if (running(s, node) && rng.next() < 0.25) {
        // A stall (a long GC pause, a VM descheduled, a debugger): alive, answering nothing,
        // until resumed; its connections stay open meanwhile.
        s.process(node)?.child.kill('SIGSTOP');
        stalled.add(node);
        count('stalls', `node ${node}`);
      } else if (!running(s, node)) {
        await s.restart(node);
        count('restarts', `node ${node}`);
      } else if (down.length < s.count - 1 || s.count === 1) {
        // SIGKILL: whatever was not committed is gone; SIGTERM: it flushes and sends them off.
        const signal = rng.next() < 0.6 ? 'SIGKILL' : 'SIGTERM';
        await s.kill(node, signal);
        count(signal === 'SIGKILL' ? 'kill -9' : 'sigterm', `node ${node}`);
      }
    } else if (roll < 0.84 && s.redis) {
      await s.redis.toggle();
      count(s.redis.down ? 'redis killed' : 'redis back');
    } else if (roll < 0.85 && s.postgres) {
      // While PostgreSQL is down nothing is acked: clients keep their edits unsaved. A hung one
      // (SIGSTOP: connections open, no answers) is answered for after STORAGE_WAIT_MS.
      const how: PostgresFailure = rng.next() < 0.5 ? 'crash' : rng.next() < 0.5 ? 'hang' : 'stop';
      await s.postgres.toggle(how);
      const verb = { crash: 'killed', hang: 'hung', stop: 'stopped' }[how];
      count(s.postgres.down ? `postgres ${verb}` : 'postgres back');
    } else if (roll < 0.86) {
      // A paste of hundreds of shapes: one update large enough for the server's worker path.
      paste(client.doc, `${client.name}-${step}`, 600 + rng.int(600), rng);
      count('pastes');
    } else if (roll < 0.89) {
      // A tab closes once its provider says all is saved: from then on, only the servers hold
      // what it had, and nobody would resend it. A new client takes its place.
      const { status, unsaved } = client.peer.provider.state;
      if (status === 'live' && unsaved === 0) {
        closed.push({ name: client.name, update: Y.encodeStateAsUpdate(client.doc) });
        client.peer.provider.destroy();
        client.name = `${client.name}'`;
        client.url = s.url(liveNode() ?? 0);
        client.peer = connectPeer(client.url, BOARD, {
          transports: client.transports,
        });
        peers.push(client.peer);
        client.doc = client.peer.doc;
        client.offline = false;
        client.peer.provider.awareness.setLocalState({ user: { name: client.name } });
        count('tabs closed');
      }
    }
    await pace(rng.int(25));
  }

  try {
    for (const node of [...stalled]) resume(node);
    await heal(s, clients, closed);
  } catch (error) {
    if (process.env.DRAWBRIDGE_TEST_VERBOSE === '1') console.info(trace.join('\n'));
    throw error;
  }
  counts.shapes = clients[0]!.doc.getMap('shapes').size;
  return counts;
}

interface ChaosClient {
  name: string;
  doc: Y.Doc;
  peer: Peer;
  /** The node its provider connects to. */
  url: string;
  offline: boolean;
}

/**
 * Every server up, every client online; then everyone holds, and stored, the same board, and
 * the same presence.
 */
async function heal(
  s: Servers,
  clients: ChaosClient[],
  closed: { name: string; update: Uint8Array }[],
): Promise<void> {
  if (s.redis?.down) await s.redis.toggle();
  if (s.postgres?.down) await s.postgres.toggle('stop');
  for (let i = 0; i < s.count; i++) if (!running(s, i)) await s.restart(i);
  for (const client of clients) if (client.offline) client.peer.provider.socket.connect();
  const docs = clients.map((c) => c.doc);
  await Promise.all(
    clients.map((c) =>
      vi.waitFor(
        () => {
          const { status, unsaved } = c.peer.provider.state;
          expect({ client: c.name, status, unsaved }).toEqual({
            client: c.name,
            status: 'live',
            unsaved: 0,
          });
        },
        { timeout: 30_000, interval: 50 },
      ),
    ),
  );
  await expectConverged(docs, 15_000);
  const version = documentVersion(docs[0]!);
  // Everything a closed tab held is on the board: adding it changes nothing.
  for (const tab of closed) {
    const probe = new Y.Doc();
    Y.applyUpdate(probe, Y.encodeStateAsUpdate(docs[0]!));
    Y.applyUpdate(probe, tab.update);
    expect({ tab: tab.name, version: documentVersion(probe) }).toEqual({ tab: tab.name, version });
  }
  for (let i = 0; i < s.count; i++) {
    // A node holds the board once a client joined it since its restart: then it is this one.
    const url = s.url(i);
    await vi.waitFor(async () => expect([undefined, version]).toContain(await nodeVersion(url)), {
      timeout: 10_000,
      interval: 50,
    });
  }

  // Presence too: every client sees every other's latest state, and no state of a connection
  // that is gone (a killed node's clients, a client that moved).
  const states = new Map(
    clients.map((c) => [c.doc.clientID, c.peer.provider.awareness.getLocalState()]),
  );
  // Within 5 s: a state that comes back only when its awareness renews it (every 15 s) was lost,
  // and would mostly miss this.
  await Promise.all(
    clients.map((c) =>
      vi.waitFor(
        () =>
          expect({
            client: c.name,
            url: c.url,
            states: new Map(c.peer.provider.awareness.getStates()),
          }).toEqual({
            client: c.name,
            url: c.url,
            states,
          }),
        { timeout: 5000, interval: 50 },
      ),
    ),
  );

  // Every client is saved: every edit was acked, so storage holds it all. Kill every node, start
  // them again, and a new client on each gets exactly that board.
  destroyAll(peers);
  peers = [];
  for (let i = 0; i < s.count; i++) await s.kill(i, 'SIGKILL');
  for (let i = 0; i < s.count; i++) await s.restart(i);
  const fresh = Array.from({ length: s.count }, (_, i) => connectPeer(s.url(i), BOARD));
  peers.push(...fresh);
  await Promise.all(fresh.map(whenSaved));
  for (const peer of fresh) expect(documentVersion(peer.doc)).toBe(version);
}

const SEEDS = (process.env.CHAOS_SEEDS ?? '1')
  .split(',')
  .map((part) => part.split('-').map(Number))
  .flatMap(([from, to]) => Array.from({ length: (to ?? from!) - from! + 1 }, (_, i) => from! + i));

describe.each([
  { name: 'one node over SQLite', start: singleNode },
  { name: 'three nodes over PostgreSQL and Redis', start: threeNodes },
])('real clients under random failures: $name', ({ start }) => {
  it.each(SEEDS)(
    'seed %i: every client converges, and storage holds it all',
    async (seed) => {
      const counts = await run(seed, start);
      if (process.env.DRAWBRIDGE_TEST_VERBOSE === '1') console.info(JSON.stringify(counts));
      // The schedule did what it is for.
      expect(counts.edits).toBeGreaterThan(100);
      expect((counts['kill -9'] ?? 0) + (counts.sigterm ?? 0)).toBeGreaterThan(0);
    },
    240_000,
  );
});
