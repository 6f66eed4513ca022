/**
 * Images and versions in a cluster of real server processes over one PostgreSQL and Redis:
 * every node serves an image uploaded to any node, people editing through two nodes get at
 * most one periodic version per interval between them (the database arbitrates), and a restore
 * through a third node reaches everyone live.
 */
import { BoardModel } from '@drawbridge/board';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { rect } from '../packages/board/src/testing.js';
import { SAMPLE_IMAGES } from '../packages/protocol/src/testing/sampleImages.js';
import { startCluster, type TestCluster } from './utils/cluster.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';

const INTERVAL_MS = 1000;

let cluster: TestCluster;
let peers: Peer[] = [];

beforeAll(async () => {
  cluster = await startCluster({ nodes: 3, env: { VERSION_INTERVAL_MS: String(INTERVAL_MS) } });
}, 60_000);

afterAll(async () => {
  await cluster?.destroy();
});

afterEach(() => {
  destroyAll(peers);
  peers = [];
});

async function join(node: number, boardId: string, name: string) {
  const peer = connectPeer(cluster.url(node), boardId);
  peers.push(peer);
  peer.provider.awareness.setLocalStateField('user', { name, color: '#2f9e44' });
  await whenLive(peer);
  return { peer, model: new BoardModel(peer.doc) };
}

interface Listed {
  versionId: number;
  createdAt: string;
  reason: string;
  editors: string[];
}

async function versions(node: number, boardId: string): Promise<Listed[]> {
  const response = await fetch(`${cluster.url(node)}/api/boards/${boardId}/versions`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { versions: Listed[] }).versions;
}

describe('images and versions in a cluster', () => {
  it('serves an image uploaded to one node from every node', async () => {
    const { bytes, type } = SAMPLE_IMAGES.jpeg;
    const created = await fetch(`${cluster.url(0)}/api/boards/pics/assets`, {
      method: 'POST',
      headers: { 'content-type': type },
      body: Buffer.from(bytes),
    });
    expect(created.status).toBe(201);
    const { assetId } = (await created.json()) as { assetId: string };
    for (const node of [1, 2]) {
      const served = await fetch(`${cluster.url(node)}/api/boards/pics/assets/${assetId}`);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe(type);
      expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);
    }
  });

  it('takes at most one periodic version per interval across nodes, and restores live', async () => {
    const boardId = `versions-${process.pid}`;
    const ada = await join(0, boardId, 'Ada');
    const bo = await join(1, boardId, 'Bo');
    const [first] = ada.model.addShapes([rect(0, 0, 10, 10)]);
    await whenSaved(ada.peer);
    await expectConverged([ada.peer.doc, bo.peer.doc]);

    // Both keep editing through their own node for a few intervals.
    const until = Date.now() + INTERVAL_MS * 3.5;
    for (let i = 1; Date.now() < until; i++) {
      (i % 2 ? ada : bo).model.addShape(rect(i * 20, 0, 10, 10));
      await Promise.all([whenSaved(ada.peer), whenSaved(bo.peer)]);
    }
    await vi.waitFor(async () => expect((await versions(2, boardId)).length).toBeGreaterThan(1), {
      timeout: 10_000,
      interval: 100,
    });
    const periodic = (await versions(2, boardId)).filter((v) => v.reason === 'periodic');
    const times = periodic.map((v) => Date.parse(v.createdAt)).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) {
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(INTERVAL_MS);
    }
    expect(periodic.flatMap((v) => v.editors)).toEqual(expect.arrayContaining(['Ada', 'Bo']));

    // Restore the oldest version through the third node: both see it live.
    const oldest = periodic.at(-1)!;
    const restored = await fetch(
      `${cluster.url(2)}/api/boards/${boardId}/versions/${oldest.versionId}/restore`,
      { method: 'POST' },
    );
    expect(restored.status).toBe(200);
    const { removed } = (await restored.json()) as { removed: number };
    expect(removed).toBeGreaterThan(0);
    await vi.waitFor(() => {
      expect(ada.model.shapes().length).toBe(bo.model.shapes().length);
      expect(ada.model.getShape(first!)).not.toBeNull();
    });
    await expectConverged([ada.peer.doc, bo.peer.doc]);
  });
});
