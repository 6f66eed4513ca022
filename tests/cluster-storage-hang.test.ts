/**
 * PostgreSQL hangs (SIGSTOP: connections open, no answers) under two real nodes. Nothing can be
 * stored, yet nobody waits on it past `STORAGE_WAIT_MS`: updates are answered "not stored yet",
 * editors stay live and keep drawing together past their ack timeout, a new tab hears a
 * retryable error instead of nothing (on a board its node holds or must load); once PostgreSQL
 * answers, everything lands.
 */
import { ErrorCode } from '@drawbridge/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startCluster, type TestCluster } from './utils/cluster.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { connectRaw, joinRaw, type RawSocket } from './utils/rawClient.js';
import { drawTogetherUntil, expectNotStoredYet } from './utils/storageHang.js';

/** The clients' ack timeout here, and the nodes' wait on storage: the first must not matter. */
const ACK_TIMEOUT_MS = 3000;
const STORAGE_WAIT_MS = 1000;
const verbose = process.env.DRAWBRIDGE_TEST_VERBOSE === '1';

let cluster: TestCluster;
const peers: Peer[] = [];
const sockets: RawSocket[] = [];

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2, env: { STORAGE_WAIT_MS: String(STORAGE_WAIT_MS) } });
}, 60_000);

afterAll(async () => {
  destroyAll(peers);
  for (const socket of sockets) socket.disconnect();
  cluster?.pg.resume();
  await cluster?.destroy();
});

const peer = (node: number, boardId: string, doc?: Y.Doc) => {
  const p = connectPeer(cluster.url(node), boardId, {
    ackTimeoutMs: ACK_TIMEOUT_MS,
    ...(doc ? { doc } : {}),
  });
  peers.push(p);
  return p;
};

const shapes = (p: Peer) => p.doc.getMap('shapes');
let count = 0;
const addShape = (p: Peer, tag: string) => {
  const key = `${tag}-${++count}`;
  shapes(p).set(key, { kind: 'rect' });
  return key;
};

it('PostgreSQL hangs: updates are answered "not stored yet", editors stay live together past their ack timeout, all lands after', async () => {
  const boardId = `storage-hang-${process.pid}`;
  const [a, b] = [peer(0, boardId), peer(1, boardId)];
  await Promise.all([whenLive(a), whenLive(b)]);
  addShape(a, 'before');
  addShape(b, 'before');
  await Promise.all([whenSaved(a), whenSaved(b)]);
  const raw = await connectRaw(cluster.url(0));
  sockets.push(raw);
  const rawDoc = new Y.Doc();
  expect((await joinRaw(raw, boardId, rawDoc)).ok).toBe(true);

  // Every state either editor shows from the moment PostgreSQL hangs.
  const shown: string[] = [];
  for (const p of [a, b]) p.provider.subscribe((s) => shown.push(s.status));
  const hungAt = Date.now();
  cluster.pg.pause();

  // An update is answered within the nodes' wait, neither acked nor left unanswered.
  const answeredMs = await expectNotStoredYet(raw, boardId, rawDoc);
  expect(answeredMs).toBeLessThan(ACK_TIMEOUT_MS);

  // The editors keep drawing together, on two nodes, well past their ack timeout: each storage
  // check is answered from memory, unstored, and they never leave the board.
  const rounds = await drawTogetherUntil(
    a,
    b,
    hungAt + ACK_TIMEOUT_MS + 2 * STORAGE_WAIT_MS,
    addShape,
  );
  for (const p of [a, b]) {
    expect(p.provider.state.error?.code).toBe(ErrorCode.STORAGE_ERROR);
    expect(p.provider.state.unsaved).toBeGreaterThan(0);
  }
  expect(shown.filter((status) => status !== 'live')).toEqual([]);

  // A new tab holding edits of its own hears a retryable error by the nodes' wait, not nothing.
  const offline = new Y.Doc();
  offline.getMap('shapes').set('offline', { kind: 'rect' });
  const joinedAt = Date.now();
  const late = peer(1, boardId, offline);
  await late.provider.when((s) => s.error?.code === ErrorCode.STORAGE_ERROR);
  const refusedMs = Date.now() - joinedAt;
  expect(refusedMs).toBeLessThan(ACK_TIMEOUT_MS);
  expect(late.provider.state.status).not.toBe('live');
  // So does one opening a board its node has not loaded: the load waits on PostgreSQL too.
  const openedAt = Date.now();
  const elsewhere = peer(0, `${boardId}-elsewhere`);
  await elsewhere.provider.when((s) => s.error?.code === ErrorCode.STORAGE_ERROR);
  // Not PostgreSQL's query timeout (30 s) ending the load: the node's own wait.
  expect(Date.now() - openedAt).toBeLessThan(ACK_TIMEOUT_MS);
  expect(elsewhere.provider.state.status).not.toBe('live');
  for (const node of cluster.nodes) expect(node?.child.exitCode).toBeNull();

  cluster.pg.resume();
  const back = Date.now();
  await Promise.all([a, b, late].map(whenSaved));
  await whenLive(elsewhere);
  const landedMs = Date.now() - back;
  // Stored, not only held: a node that starts now loads it from PostgreSQL.
  const fresh = await cluster.start(2);
  const reader = connectPeer(fresh.url, boardId);
  peers.push(reader);
  await whenLive(reader);
  await expectConverged([a.doc, b.doc, late.doc, reader.doc]);
  // 2 before, 2 per round while it hung, the new tab's, and the raw client's: answered "not
  // stored yet", its commit went on and is stored now.
  expect(shapes(reader).has('offline')).toBe(true);
  expect(shapes(reader).has('raw')).toBe(true);
  expect(shapes(reader).size).toBe(2 + 2 * rounds + 1 + 1);
  if (verbose) console.info(JSON.stringify({ answeredMs, rounds, refusedMs, landedMs }));
}, 60_000);
