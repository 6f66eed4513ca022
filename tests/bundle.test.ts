/**
 * The server as users run it (`pnpm start`): the esbuild bundle, which carries the npm
 * dependencies inside it (only native addons load from node_modules). Everything else in the
 * suite runs the sources; this proves the bundle does the same work: a board synced and stored,
 * a preview rendered in its worker, a clean SIGTERM (compacting in the snapshot worker) and a
 * restart that finds the board (a large one, loaded in the load worker), a cluster over
 * PostgreSQL and Redis (the chunks loaded only when those are configured), and `pnpm cluster`,
 * which runs the bundle behind nginx.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCluster, type TestCluster } from './utils/cluster.js';
import {
  type Daemon,
  freePort,
  isRunning,
  processId,
  processTree,
  startDaemon,
} from './utils/daemon.js';
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
/** `pnpm cluster`'s process, when a test started it. */
let script: Daemon | undefined;

beforeAll(() => {
  execFileSync(process.execPath, ['build.mjs'], { cwd: path.join(repoRoot, 'apps/server') });
}, 120_000);

afterEach(async () => {
  destroyAll(peers);
  peers = [];
  await killAllServers();
  await cluster?.destroy();
  cluster = undefined;
  if (script?.running) {
    script.signal('SIGKILL', true);
    await script.exited;
  }
  script = undefined;
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

/** The first output line matching `pattern`, waiting for it while the process runs. */
async function lineOf(daemon: Daemon, pattern: RegExp, timeoutMs = 180_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of daemon.output) {
      const match = pattern.exec(line);
      if (match) return match;
    }
    if (!daemon.running || Date.now() > deadline) {
      const why = daemon.running ? `not within ${timeoutMs} ms` : 'the process exited first';
      throw new Error(`no line matching ${pattern} (${why}):\n${daemon.output.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

// Here rather than in a file of its own: it runs apps/server/dist/main.js, which this file's
// `beforeAll` builds, and no other test file writes it, so the two never race.
describe('pnpm cluster (scripts/cluster.ts)', () => {
  it('runs three bundled nodes behind nginx on its own Redis and PostgreSQL, and Ctrl-C stops all of it', async () => {
    const httpsPort = await freePort();
    const httpPort = await freePort();
    const tmp = os.tmpdir();
    const dataDirs = () =>
      new Set(readdirSync(tmp).filter((name) => name.startsWith('drawbridge-local-cluster-')));
    const dirsBefore = dataDirs();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CLUSTER_HTTPS_PORT: String(httpsPort),
      CLUSTER_HTTP_PORT: String(httpPort),
      LOG_LEVEL: 'warn',
    };
    // Unset, so the script starts a private redis-server and PostgreSQL of its own.
    delete env.REDIS_URL;
    delete env.DATABASE_URL;
    script = startDaemon(process.execPath, ['--import', 'tsx', 'scripts/cluster.ts'], {
      cwd: repoRoot,
      env,
    });

    const [, httpsUrl] = await lineOf(script, /^Open\s+(https:\/\/\S+?)\/?\s/);
    const [, plainUrl] = await lineOf(script, /^\s+or\s+(http:\/\/\S+?)\/?\s/);
    expect(httpsUrl).toBe(`https://127.0.0.1:${httpsPort}`);
    expect(plainUrl).toBe(`http://127.0.0.1:${httpPort}`);
    expect(await lineOf(script, /^Redis redis:\/\/\S+ \(private, empty\)$/)).toBeTruthy();
    expect(await lineOf(script, /^PostgreSQL postgres\S+ \(private, empty\)$/)).toBeTruthy();
    const nodes = script.output.flatMap((line) => {
      const match = /^\s+(node-\d+)\s+(http:\/\/127\.0\.0\.1:\d+)\s+\(pid (\d+)\)$/.exec(line);
      return match ? [{ id: match[1]!, url: match[2]!, pid: Number(match[3]) }] : [];
    });
    expect(nodes.map((node) => node.id)).toEqual(['node-1', 'node-2', 'node-3']);
    const [, nginxPid, nginxDir] = await lineOf(
      script,
      /^nginx \(pid (\d+)\) .*: (\S+)\/drawbridge\.conf$/,
    );
    for (const node of nodes) expect((await fetch(`${node.url}/readyz`)).status).toBe(200);

    // The printed URLs serve the app: over TLS with the certificate made for it, and plain.
    const ca = readFileSync(path.join(nginxDir!, 'cert.pem'), 'utf8');
    const page = await httpsGet(`${httpsUrl}/`, ca);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root"></div>');
    expect(await (await fetch(`${plainUrl}/`)).text()).toBe(page.body);

    // One user through nginx, one on each node straight: the same board everywhere.
    const board = 'local-cluster';
    const viaNginx = peer(plainUrl!, board);
    const direct = nodes.slice(1).map((node) => peer(node.url, board));
    const editors = [viaNginx, ...direct];
    editors.forEach((editor, e) => {
      for (let i = 0; i < 10; i++) {
        editor.doc.getMap('shapes').set(`e${e}-${i}`, { type: 'rect', x: i, y: e, w: 5, h: 5 });
      }
    });
    await Promise.all(editors.map(whenSaved));
    await expectConverged(editors.map((editor) => editor.doc));
    expect(viaNginx.doc.getMap('shapes').size).toBe(30);
    // A late joiner on each node is answered from that node's own document.
    const late = nodes.map((node) => peer(node.url, board));
    await expectConverged([viaNginx.doc, ...late.map((p) => p.doc)]);
    for (const p of late) expect(snapshotOf(p.doc)).toEqual(snapshotOf(viaNginx.doc));

    // kill -9 of a node, as the script suggests: it says so and the rest carries on.
    const victim = nodes[2]!;
    process.kill(victim.pid, 'SIGKILL');
    await lineOf(script, /^\[node-3\] exited \(SIGKILL\); the others carry on$/, 10_000);
    viaNginx.doc.getMap('shapes').set('after-kill', { type: 'rect', x: 0, y: 0, w: 1, h: 1 });
    await whenSaved(viaNginx);
    expect(script.running).toBe(true);

    // Ctrl-C: everything the script started stops (by its PID), and its temp dirs go.
    const started = processTree(script.pid)
      .slice(1)
      .flatMap((pid) => processId(pid) ?? []);
    // The two nodes left, nginx, redis-server and PostgreSQL (with their own children).
    const commands = started.map((p) => p.command);
    expect(commands.filter((c) => c.includes('apps/server/dist/main.js'))).toHaveLength(2);
    for (const name of ['nginx', 'redis-server', 'postgres']) {
      expect(commands.some((c) => c.includes(name))).toBe(true);
    }
    expect(started.map((p) => p.pid)).toContain(Number(nginxPid));
    destroyAll(peers);
    peers = [];
    script.signal('SIGINT');
    const exit = await script.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(started.filter(isRunning)).toEqual([]);
    expect(existsSync(nginxDir!)).toBe(false);
    expect([...dataDirs()].filter((name) => !dirsBefore.has(name))).toEqual([]);
    await expect(fetch(`${plainUrl}/`)).rejects.toThrow();
  }, 300_000);
});
