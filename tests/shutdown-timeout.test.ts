/**
 * SIGTERM while PostgreSQL hangs (SIGSTOP: connections open, no answers). The node cannot store
 * what it holds, so after SHUTDOWN_TIMEOUT_MS it gives up, says why and exits 1, instead of
 * waiting out its query timeouts past an orchestrator's grace period (about 45 s before). What
 * was acked is stored; what was not reaches storage from its client once PostgreSQL answers.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startCluster, type TestCluster } from './utils/cluster.js';
import { connectPeer, destroyAll, expectConverged, type Peer, whenSaved } from './utils/peers.js';

let cluster: TestCluster;
const peers: Peer[] = [];

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2, env: { SHUTDOWN_TIMEOUT_MS: '2000' } });
}, 60_000);

afterAll(async () => {
  destroyAll(peers);
  cluster?.pg.resume();
  await cluster?.destroy();
});

const peer = (node: number, boardId: string, doc?: Y.Doc) => {
  const p = connectPeer(cluster.url(node), boardId, doc ? { doc } : {});
  peers.push(p);
  return p;
};

const addShape = (p: Peer, key: string) =>
  p.doc.transact(() => {
    const shape = new Y.Map<unknown>();
    shape.set('x', 1);
    p.doc.getMap('shapes').set(key, shape);
  });

it('SIGTERM with PostgreSQL hung: the node gives up after SHUTDOWN_TIMEOUT_MS and exits 1; nothing acked is lost', async () => {
  const boardId = `shutdown-timeout-${process.pid}`;
  const editor = peer(0, boardId);
  addShape(editor, 'acked');
  await whenSaved(editor);

  cluster.pg.pause();
  addShape(editor, 'unacked');
  const stopping = cluster.nodes[0]!;
  const exit = await stopping.kill('SIGTERM');
  expect(exit).toEqual({ code: 1, signal: null });
  const said = stopping.logs.filter((line) => line.includes('shutdown timed out'));
  expect(said).toHaveLength(1);
  expect(JSON.parse(said[0]!)).toMatchObject({ timeoutMs: 2000, signal: 'SIGTERM' });
  expect(stopping.logs.some((line) => line.includes('stopped cleanly'))).toBe(false);
  expect(editor.provider.state.unsaved).toBeGreaterThan(0);

  // PostgreSQL answers again; the editor's client comes back on node 1 with what it holds.
  cluster.pg.resume();
  editor.provider.destroy();
  const back = peer(1, boardId, editor.doc);
  await whenSaved(back);
  const late = peer(1, boardId);
  await expectConverged([back.doc, late.doc]);
  expect([...late.doc.getMap('shapes').keys()].sort()).toEqual(['acked', 'unacked']);
});
