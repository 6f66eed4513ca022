/**
 * The cluster in real browsers: three nodes over a private PostgreSQL and Redis, each serving
 * the built web app, behind the documented nginx configuration (TLS, `wss://`). User A comes
 * through nginx, user B straight to another node. They draw together and see each other's
 * shapes on their canvases and each other's cursors; then A's node is killed with SIGKILL while
 * A keeps drawing, A's page lands on another node through nginx and resyncs, and every page and
 * every node ends with the same board, the restarted node included; then the same with a node
 * stopped gracefully (SIGTERM); a user whose node dies vanishes from the other nodes' screens;
 * and behind a proxy that refuses WebSocket, the page falls back to long-polling.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BoardModel } from '@drawbridge/board';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { expectConverged as expectDocsConverged } from '../../apps/server/src/testing/convergence.js';
import { nodeMetric, startCluster, type TestCluster } from '../utils/cluster.js';
import { type Nginx, startNginx } from '../utils/nginx.js';
import { fetchBoard } from '../utils/rawClient.js';
import { expectConverged, RECONNECT_MS, report, type User, WAIT_MS } from './utils/app.js';
import { artifactsDir, staticDir } from './utils/paths.js';
import { inkAdded } from './utils/pixels.js';
import { launchChromium, openUser, saveArtifactsAndClose } from './utils/session.js';

const dir = path.join(artifactsDir, 'cluster');
let cluster: TestCluster;
let nginx: Nginx;
let browser: Browser;
let users: User[] = [];

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  [cluster, browser] = await Promise.all([
    startCluster({ nodes: 3, env: { STATIC_DIR: staticDir } }),
    launchChromium(),
  ]);
  nginx = await startNginx({ nodes: cluster.nodes.map((node) => `127.0.0.1:${node!.port}`) });
}, 120_000);

afterEach(async (context) => {
  await saveArtifactsAndClose(dir, context.task, users);
  users = [];
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await nginx?.destroy();
  await cluster?.destroy();
});

/** A user whose browser accepts nginx's self-signed certificate. */
async function user(label: string): Promise<User> {
  const opened = await openUser(browser, label, { ignoreHTTPSErrors: true });
  users.push(opened);
  return opened;
}

/** The indexes of the running nodes that hold at least one connection. */
async function nodesWithConnections(): Promise<number[]> {
  const counts = await Promise.all(
    cluster.nodes.map((node) =>
      node ? nodeMetric(node.url, 'drawbridge_connections') : Promise.resolve(0),
    ),
  );
  return counts.flatMap((count, i) => (count > 0 ? [i] : []));
}

/** The node of the only user connected (earlier tests' closed pages may take a moment to go). */
async function nodeOfOnlyUser(): Promise<number> {
  let nodes: number[] = [];
  await vi.waitFor(
    async () => {
      nodes = await nodesWithConnections();
      expect(nodes).toHaveLength(1);
    },
    { timeout: WAIT_MS, interval: 100 },
  );
  return nodes[0]!;
}

/** Waits until exactly the nodes `expected` hold connections. */
async function waitForConnectionsOn(expected: number[]): Promise<void> {
  await vi.waitFor(async () => expect(await nodesWithConnections()).toEqual([...expected].sort()), {
    timeout: RECONNECT_MS,
    interval: 100,
  });
}

/**
 * A on a new board through nginx (the node its address hashes to), B on the same board
 * straight at another node; returns both with their nodes' indexes.
 */
async function usersOnTwoNodes(): Promise<{ a: User; b: User; aNode: number; bNode: number }> {
  const a = await user('A');
  const boardUrl = await a.open(`${nginx.httpsUrl}/new`);
  expect(boardUrl.startsWith(nginx.httpsUrl)).toBe(true);
  const aNode = await nodeOfOnlyUser();
  const bNode = (aNode + 1) % cluster.nodes.length;
  const b = await user('B');
  await b.open(`${cluster.url(bNode)}/b/${encodeURIComponent(a.boardId)}`);
  await waitForConnectionsOn([aNode, bNode]);
  return { a, b, aNode, bNode };
}

/**
 * Both pages hold exactly the shapes `ids`, saved and converged; then node `index` is restarted
 * on its old port (where nginx expects it), and every node's copy of the board passes the full
 * convergence check and holds what the pages agreed on.
 */
async function expectAllHold(
  a: User,
  b: User,
  ids: string[],
  index: number,
  port: number,
): Promise<void> {
  await a.waitForIds(ids);
  await b.waitForIds(ids);
  await Promise.all([a.waitForSaved(), b.waitForSaved()]);
  const agreed = await expectConverged(a, b);
  const sorted = (shapes: { id: string }[]) => shapes.map((shape) => shape.id).sort();
  expect(sorted(agreed.shapes)).toEqual([...ids].sort());

  await cluster.start(index, port);
  const docs = await Promise.all(
    cluster.nodes.map((_, i) => fetchBoard(cluster.url(i), a.boardId)),
  );
  expectDocsConverged(
    docs,
    docs.map((_, i) => `node ${i + 1}`),
  );
  expect(sorted(new BoardModel(docs[index]!).shapes())).toEqual([...ids].sort());
  expect(Array.from(Y.encodeStateVector(docs[0]!))).toEqual(agreed.stateVector);
}

/** `from` names itself `name` and points at the canvas; returns its cursor on `to`'s screen. */
async function showCursor(from: User, to: User, name: string): Promise<Locator> {
  await from.byTestId('user-name').fill(name);
  await from.byTestId('user-name').blur();
  const [p] = await from.toPage([{ x: 450, y: 600 }]);
  await from.page.mouse.move(p!.x, p!.y, { steps: 4 });
  const cursor = to.page.locator(`[data-testid="cursor"][data-name="${name}"]`, {
    hasText: name,
  });
  await cursor.waitFor({ state: 'visible', timeout: WAIT_MS });
  return cursor;
}

describe('the cluster in browsers, through nginx', () => {
  it('users on two nodes draw together, see each other, and survive a node killed mid-session', async () => {
    const { a, b, aNode, bNode } = await usersOnTwoNodes();
    const blank = await b.canvasPixels();

    // Across nodes, both ways: in the documents and on B's canvas.
    const rect = await a.drawBox('rect', { x: 300, y: 250 }, { x: 620, y: 500 });
    await b.waitForIds([rect.id]);
    await vi.waitFor(
      async () => expect(inkAdded(blank, await b.canvasPixels()).count).toBeGreaterThan(1000),
      { timeout: WAIT_MS, interval: 100 },
    );
    const ellipse = await b.drawBox('ellipse', { x: 700, y: 250 }, { x: 900, y: 450 });
    await a.waitForIds([rect.id, ellipse.id]);

    // A's cursor, with A's name, on B's screen.
    await showCursor(a, b, 'Ada on the cluster');
    await Promise.all([a.waitForSaved(), b.waitForSaved()]);
    // That went node to node over Redis, not by reading PostgreSQL for a gap.
    const bUrl = cluster.url(bNode);
    expect(await nodeMetric(bUrl, 'drawbridge_cluster_messages_total')).toBeGreaterThan(0);
    expect(await nodeMetric(bUrl, 'drawbridge_cluster_gaps_repaired_total')).toBe(0);

    // A's node dies; A draws on at once (an edit its node may never have acked), nginx sends
    // its reconnect to another node, and the edit lands there.
    const { port } = cluster.nodes[aNode]!;
    await cluster.nodes[aNode]!.kill('SIGKILL');
    const during = await a.drawSegment('line', { x: 300, y: 560 }, { x: 620, y: 620 });
    await a.waitForSaved(RECONNECT_MS);
    await b.waitForIds([rect.id, ellipse.id, during.id]);
    const after = await b.drawSegment('arrow', { x: 700, y: 560 }, { x: 900, y: 620 });
    // Every node serves that board, the killed one too once restarted.
    await expectAllHold(a, b, [rect.id, ellipse.id, during.id, after.id], aNode, port);
  });

  it('a node stopped with SIGTERM hands its user to another node while drawing; nothing is lost', async () => {
    const { a, b, aNode } = await usersOnTwoNodes();
    const before = await a.drawBox('rect', { x: 300, y: 250 }, { x: 620, y: 500 });
    await b.waitForIds([before.id]);
    await a.waitForSaved();

    const { port } = cluster.nodes[aNode]!;
    const stopped = cluster.nodes[aNode]!.kill('SIGTERM');
    const during = await a.drawSegment('line', { x: 300, y: 560 }, { x: 620, y: 620 });
    // A graceful stop: it flushed, told its clients to go, and exited cleanly.
    expect((await stopped).code).toBe(0);
    await a.waitForSaved(RECONNECT_MS);
    const after = await b.drawBox('ellipse', { x: 700, y: 250 }, { x: 900, y: 450 });
    await expectAllHold(a, b, [before.id, during.id, after.id], aNode, port);
  });

  it("a dead node's user vanishes from other nodes' screens: cursor and people list", async () => {
    // C straight at one node (no balancer to move it elsewhere), B at another.
    const cNode = 2;
    const bNode = 0;
    const c = await user('C');
    await c.open(`${cluster.url(cNode)}/new`);
    const b = await user('B');
    await b.open(`${cluster.url(bNode)}/b/${encodeURIComponent(c.boardId)}`);
    const name = 'Cleo on node 3';
    const cursor = await showCursor(c, b, name);
    const person = b.byTestId('people-list').locator('[data-testid="person"]', { hasText: name });
    await person.waitFor({ state: 'visible', timeout: WAIT_MS });

    // The node dies without a word: its heartbeats stop, and the others drop its members.
    // (tests/cluster-failures.test.ts holds this to 5 s; here the screens must follow.)
    const { port } = cluster.nodes[cNode]!;
    const killedAt = Date.now();
    await cluster.nodes[cNode]!.kill('SIGKILL');
    await cursor.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await person.waitFor({ state: 'hidden', timeout: WAIT_MS });
    report('dead node', { cursorGoneMs: Date.now() - killedAt });
    await c.waitForStatus('offline');
    await cluster.start(cNode, port);
  });

  it('behind a proxy that blocks WebSocket, the browser falls back to long-polling and draws with the others', async () => {
    // The documented site without the lines that pass the upgrade on: as a corporate proxy that
    // does not carry WebSocket, every upgrade reaches the node as a plain GET and is refused.
    const blocking = await startNginx({
      nodes: cluster.nodes.map((node) => `127.0.0.1:${node!.port}`),
      transformSite: (site) =>
        site
          .split('\n')
          .filter((line) => !/proxy_set_header (Upgrade|Connection) /.test(line))
          .join('\n'),
    });
    try {
      const p = await user('P');
      await p.open(`${blocking.httpsUrl}/new`);
      const transport = await p.page.evaluate(
        () =>
          (
            globalThis as unknown as {
              __drawbridge: {
                provider: { socket: { io: { engine: { transport: { name: string } } } } };
              };
            }
          ).__drawbridge.provider.socket.io.engine.transport.name,
      );
      expect(transport).toBe('polling');
      // Every request of the session went through the blocking proxy to one node (its hash).
      const sessions = blocking.accessLog().filter((entry) => entry.transport === 'polling');
      expect(sessions.length).toBeGreaterThan(0);
      expect(new Set(sessions.flatMap((entry) => entry.upstreams)).size).toBe(1);
      const bNode = ((await nodeOfOnlyUser()) + 1) % cluster.nodes.length;
      const b = await user('B');
      await b.open(`${cluster.url(bNode)}/b/${encodeURIComponent(p.boardId)}`);

      const rect = await p.drawBox('rect', { x: 300, y: 250 }, { x: 620, y: 500 });
      await b.waitForIds([rect.id]);
      const ellipse = await b.drawBox('ellipse', { x: 700, y: 250 }, { x: 900, y: 450 });
      await p.waitForIds([rect.id, ellipse.id]);
      await Promise.all([p.waitForSaved(), b.waitForSaved()]);
      const agreed = await expectConverged(p, b);
      expect(agreed.shapes.map((shape) => shape.id).sort()).toEqual([rect.id, ellipse.id].sort());
    } finally {
      await blocking.destroy();
    }
  });
});
