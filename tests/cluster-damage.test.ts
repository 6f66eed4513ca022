/**
 * A stored record damaged on disk (its checksum no longer matches) in a cluster of real server
 * processes over one PostgreSQL and Redis. Node 1 loaded the board before the damage and holds
 * the edit in memory; node 2 loads it after and lacks the edit (and the edits after it, which
 * wait for it). Node 2 asks the board's holders on the bus; node 1 stores what it holds beyond
 * node 2's state, and node 2 reads it: its members get the whole board.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { nodeMetric, startCluster, type TestCluster } from './utils/cluster.js';
import { connectPeer, destroyAll, expectConverged, type Peer, whenSaved } from './utils/peers.js';

let cluster: TestCluster;
const peers: Peer[] = [];

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 });
}, 60_000);

afterAll(async () => {
  destroyAll(peers);
  await cluster?.destroy();
});

const peer = (node: number, boardId: string) => {
  const p = connectPeer(cluster.url(node), boardId);
  peers.push(p);
  return p;
};

/** Flips bits in the middle of a record, as a bad disk would. */
const FLIP_BITS = 'set_byte(data, length(data) / 2, get_byte(data, length(data) / 2) # 90)';

it('a node that loads a board after a record was damaged gets what it held from the node that holds it', async () => {
  const boardId = `damaged-${process.pid}`;
  const editor = peer(0, boardId);
  for (const key of ['one', 'two', 'three']) {
    editor.doc.getMap('shapes').set(key, new Y.Map<unknown>([['x', key.length]]));
    await whenSaved(editor);
  }
  const damaged = await cluster.pg.psql(
    `UPDATE updates SET data = ${FLIP_BITS} WHERE board_id = '${boardId}' AND seq = 2 RETURNING seq`,
    'drawbridge',
  );
  expect(damaged.split('\n')[0]).toBe('2');

  const joiner = peer(1, boardId);
  await vi.waitFor(
    () => expect([...joiner.doc.getMap('shapes').keys()].sort()).toEqual(['one', 'three', 'two']),
    { timeout: 10_000, interval: 50 },
  );
  await expectConverged([editor.doc, joiner.doc]);
  const [second, first] = [cluster.url(1), cluster.url(0)];
  expect(await nodeMetric(second, 'drawbridge_storage_corrupt_records_total')).toBeGreaterThan(0);
  expect(
    await nodeMetric(second, 'drawbridge_storage_damage_repairs_total', { step: 'asked' }),
  ).toBe(1);
  expect(
    await nodeMetric(first, 'drawbridge_storage_damage_repairs_total', { step: 'stored' }),
  ).toBe(1);
}, 60_000);
