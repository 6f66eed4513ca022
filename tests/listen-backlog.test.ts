/**
 * The listen backlog (apps/server/src/http/listenBacklog.ts): a reconnect storm arrives faster
 * than one event loop accepts connections, and what the kernel cannot queue it drops, costing
 * each of those clients a second before its TCP tries again. Here the server's event loop is
 * held (the test process waits on a child synchronously) while the child opens a thousand TCP
 * connections: the kernel completes each handshake only if the connection fits the queue.
 */
import { spawnSync } from 'node:child_process';
import { ConfigError, loadConfig } from '@drawbridge/server';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LISTEN_BACKLOG, kernelBacklogCap } from '../apps/server/src/http/listenBacklog.js';
import { connectPeer, destroyAll, expectConverged, type Peer, whenSaved } from './utils/peers.js';
import { startServer, type TestServer } from './utils/server.js';

const STORM = 1000;
/** Only bounds the wait of connections that never complete (a queue too small). */
const DEADLINE_MS = 2500;

/**
 * Opens `count` connections to `port` from another process while this one is blocked; returns
 * how many completed their handshake (the kernel queued them for the server to accept).
 */
function stormWhileBlocked(port: number, count: number): number {
  const script = `
    const net = require('node:net');
    const sockets = [];
    let connected = 0;
    const done = () => {
      process.stdout.write(String(connected));
      for (const s of sockets) s.destroy();
      process.exit(0);
    };
    const timer = setTimeout(done, ${DEADLINE_MS});
    for (let i = 0; i < ${count}; i++) {
      const s = net.connect(${port}, '127.0.0.1');
      s.on('error', () => {});
      s.on('connect', () => { if (++connected === ${count}) { clearTimeout(timer); done(); } });
      sockets.push(s);
    }`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(child.status, child.stderr).toBe(0);
  return Number(child.stdout);
}

const cap = kernelBacklogCap();

describe.skipIf(cap === null || cap <= STORM)('listen backlog', () => {
  let server: TestServer | undefined;
  const peers: Peer[] = [];

  afterEach(async () => {
    destroyAll(peers.splice(0));
    await server?.destroy();
    server = undefined;
  });

  it('queues a storm of a thousand connections while the event loop is busy, then serves them', async () => {
    server = await startServer();
    expect(stormWhileBlocked(server.port, STORM)).toBe(STORM);
    // The queued (now closed) connections were accepted and dropped; the server serves on.
    const a = connectPeer(server.url, 'after-storm');
    const b = connectPeer(server.url, 'after-storm');
    peers.push(a, b);
    a.doc.getMap('shapes').set('a', { x: 1 });
    b.doc.getMap('shapes').set('b', { x: 2 });
    await Promise.all([whenSaved(a), whenSaved(b)]);
    await expectConverged([a.doc, b.doc]);
    expect(a.doc.getMap('shapes').size).toBe(2);
  });

  it("drops what does not fit a small backlog (Node's default is 511)", async () => {
    server = await startServer({ backlog: 128 });
    const connected = stormWhileBlocked(server.port, STORM);
    expect(connected).toBeGreaterThan(0);
    expect(connected).toBeLessThan(STORM);
  });
});

describe('LISTEN_BACKLOG', () => {
  it('defaults to the server default and refuses what is not a backlog', () => {
    expect(loadConfig({}).listenBacklog).toBe(DEFAULT_LISTEN_BACKLOG);
    expect(loadConfig({ LISTEN_BACKLOG: '16384' }).listenBacklog).toBe(16_384);
    for (const bad of ['0', '-1', 'many', '70000']) {
      expect(() => loadConfig({ LISTEN_BACKLOG: bad })).toThrow(ConfigError);
    }
  });

  it("reads the kernel's cap, or null where there is none", () => {
    expect(kernelBacklogCap('/nonexistent/somaxconn')).toBeNull();
  });
});
