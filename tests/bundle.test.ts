/**
 * The server as users run it (`pnpm start`): the esbuild bundle, which carries the npm
 * dependencies inside it (only native addons load from node_modules). Everything else in the
 * suite runs the sources; this proves the bundle does the same work: a board synced and stored,
 * a preview rendered in its worker, a clean SIGTERM (compacting in the snapshot worker) and a
 * restart that finds the board (a large one, loaded in the load worker), and a
 * cluster over PostgreSQL and Redis (the chunks loaded only when those are configured).
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCluster, type TestCluster } from './utils/cluster.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  snapshotOf,
  whenSaved,
} from './utils/peers.js';
import { killAllServers, repoRoot, spawnServer } from './utils/process.js';
import { tempDir } from './utils/server.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let peers: Peer[] = [];
let dirs: string[] = [];
let cluster: TestCluster | undefined;

beforeAll(() => {
  execFileSync(process.execPath, ['build.mjs'], { cwd: path.join(repoRoot, 'apps/server') });
}, 120_000);

afterEach(async () => {
  destroyAll(peers);
  peers = [];
  await killAllServers();
  await cluster?.destroy();
  cluster = undefined;
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

const peer = (url: string, boardId: string): Peer => {
  const p = connectPeer(url, boardId);
  peers.push(p);
  return p;
};

/** Both peers draw; each stroke is acked as stored. */
async function drawOnBoth(a: Peer, b: Peer, prefix: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    a.doc.getMap('shapes').set(`${prefix}a${i}`, { type: 'rect', x: i, y: 0, w: 10, h: 10 });
    b.doc.getMap('shapes').set(`${prefix}b${i}`, { type: 'rect', x: 0, y: i, w: 10, h: 10 });
  }
  b.doc.getText('text').insert(0, `${prefix} typed`);
  await Promise.all([whenSaved(a), whenSaved(b)]);
}

describe('the bundled server (dist/main.js)', () => {
  it('syncs and stores a board, renders its preview, stops cleanly and finds it on restart', async () => {
    const dataDir = tempDir('drawbridge-bundle-');
    dirs.push(dataDir);
    const server = await spawnServer({ dataDir, bundle: true });
    const a = peer(server.url, 'bundled');
    const b = peer(server.url, 'bundled');
    await drawOnBoth(a, b, 'x');
    // Past 256 KB, so that the restarted server loads the board in its load worker.
    for (let i = 0; i < 6; i++) a.doc.getText('text').insert(0, `${i}`.repeat(50_000));
    await whenSaved(a);
    await expectConverged([a.doc, b.doc]);
    expect(a.doc.getMap('shapes').size).toBe(40);

    const preview = await fetch(`${server.url}/b/bundled/preview.png`);
    expect(preview.status).toBe(200);
    const png = new Uint8Array(await preview.arrayBuffer());
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain('drawbridge_connections');

    destroyAll(peers);
    peers = [];
    const exit = await server.kill('SIGTERM');
    expect(exit.code).toBe(0);
    expect(server.logs.some((line) => line.includes('stopped cleanly'))).toBe(true);

    const again = await spawnServer({ dataDir, bundle: true });
    const reader = peer(again.url, 'bundled');
    await expectConverged([reader.doc, a.doc]);
    expect(snapshotOf(reader.doc)).toEqual(snapshotOf(a.doc));
  });

  it('runs as a cluster over PostgreSQL and Redis', async () => {
    cluster = await startCluster({ nodes: 2, bundle: true });
    // Ready once Redis and PostgreSQL answer it, which may be a moment after it listens.
    for (const index of [0, 1]) {
      await vi.waitFor(
        async () => {
          const res = await fetch(`${cluster!.url(index)}/readyz`);
          expect({ status: res.status, body: await res.json() }).toMatchObject({ status: 200 });
        },
        { timeout: 10_000, interval: 100 },
      );
    }
    const a = peer(cluster.url(0), 'clustered');
    const b = peer(cluster.url(1), 'clustered');
    await drawOnBoth(a, b, 'c');
    await expectConverged([a.doc, b.doc]);
    // A late joiner on node 2 gets what was drawn through node 1 from that node's own document.
    const late = peer(cluster.url(1), 'clustered');
    await expectConverged([late.doc, a.doc, b.doc]);
    expect(late.doc.getMap('shapes').size).toBe(40);
  });
});
