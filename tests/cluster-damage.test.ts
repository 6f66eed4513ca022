/**
 * A stored record damaged on disk (its checksum no longer matches) in a cluster of real server
 * processes over one PostgreSQL and Redis. Node 1 loaded the board before the damage and holds
 * the edit in memory; node 2 loads it after and lacks the edit (and the edits after it, which
 * wait for it). Node 2 asks the board's holders on the bus; node 1 stores what it holds beyond
 * node 2's state, and node 2 reads it: its members get the whole board. A third node loses the
 * first repair request Redis brings it: the asker's periodic check asks again.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { nodeMetric, startCluster, type TestCluster } from './utils/cluster.js';
import { connectPeer, destroyAll, expectConverged, type Peer, whenSaved } from './utils/peers.js';

let cluster: TestCluster;
const peers: Peer[] = [];

beforeAll(async () => {
  cluster = await startCluster({
    nodes: 3,
    // Node 3 loses the first repair request the bus brings it, as if Redis had lost it.
    nodeEnv: (i): Record<string, string> =>
      i === 2 ? { DRAWBRIDGE_TEST_DROP_BUS: 'repair:1' } : {},
  });
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

/**
 * Three edits through node `holder`, each its own record; then record 2 is damaged, and a
 * member joins on node `asker`, which loads the board after the damage: it gets the whole board.
 */
async function damagedThenJoined(boardId: string, holder: number, asker: number) {
  const editor = peer(holder, boardId);
  for (const key of ['one', 'two', 'three']) {
    editor.doc.getMap('shapes').set(key, new Y.Map<unknown>([['x', key.length]]));
    await whenSaved(editor);
  }
  const damaged = await cluster.pg.psql(
    `UPDATE updates SET data = ${FLIP_BITS} WHERE board_id = '${boardId}' AND seq = 2 RETURNING seq`,
    'drawbridge',
  );
  expect(damaged.split('\n')[0]).toBe('2');

  const joiner = peer(asker, boardId);
  await vi.waitFor(
    () => expect([...joiner.doc.getMap('shapes').keys()].sort()).toEqual(['one', 'three', 'two']),
    { timeout: 10_000, interval: 50 },
  );
  await expectConverged([editor.doc, joiner.doc]);
}

it('a node that loads a board after a record was damaged gets what it held from the node that holds it', async () => {
  await damagedThenJoined(`damaged-${process.pid}`, 0, 1);
  const [second, first] = [cluster.url(1), cluster.url(0)];
  expect(await nodeMetric(second, 'drawbridge_storage_corrupt_records_total')).toBeGreaterThan(0);
  // Asked at the load, and again at the next periodic checks (a request may have been lost).
  expect(
    await nodeMetric(second, 'drawbridge_storage_damage_repairs_total', { step: 'asked' }),
  ).toBeGreaterThanOrEqual(1);
  // Stored once: asked again, node 1 holds nothing beyond node 2 any more.
  expect(
    await nodeMetric(first, 'drawbridge_storage_damage_repairs_total', { step: 'stored' }),
  ).toBe(1);
}, 60_000);

it('a repair request Redis lost is asked again', async () => {
  // Node 3 holds the board and drops the first request: only the periodic check's next one
  // reaches it (node 1 never held this board).
  await damagedThenJoined(`damaged-lost-${process.pid}`, 2, 1);
  expect(
    await nodeMetric(cluster.url(2), 'drawbridge_storage_damage_repairs_total', {
      step: 'stored',
    }),
  ).toBe(1);
}, 60_000);
