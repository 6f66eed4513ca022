/**
 * The single node's disk stops answering (a FUSE mount whose every operation blocks: an NFS
 * server gone, a stalled cloud volume), under a real server on its default SQLite storage. The
 * SQLite workers block in their reads and writes; the process must not: updates are answered
 * "not stored yet" by `STORAGE_WAIT_MS`, editors stay live and keep drawing together past their
 * ack timeout, health and metrics answer, and SIGTERM ends in bounded time. Once the disk
 * answers, everything lands, and the file is intact.
 */
import { ErrorCode } from '@drawbridge/protocol';
import Database from 'better-sqlite3';
import { afterEach, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { scrapeMetric } from './utils/metrics.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { killAllServers, type SpawnedServer, spawnServer } from './utils/process.js';
import { connectRaw, joinRaw, type RawSocket } from './utils/rawClient.js';
import { canStallDisk, mountStallingFs, type StallingFs } from './utils/stallingFs.js';
import { drawTogetherUntil, expectNotStoredYet } from './utils/storageHang.js';

/** The clients' ack timeout here, and the server's wait on storage: the first must not matter. */
const ACK_TIMEOUT_MS = 3000;
const STORAGE_WAIT_MS = 1000;
const SHUTDOWN_TIMEOUT_MS = 2000;
const ENV = {
  STORAGE_WAIT_MS: String(STORAGE_WAIT_MS),
  SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
};
const verbose = process.env.DRAWBRIDGE_TEST_VERBOSE === '1';

let disk: StallingFs | null = null;
const peers: Peer[] = [];
const sockets: RawSocket[] = [];

afterEach(async () => {
  destroyAll(peers);
  for (const socket of sockets) socket.disconnect();
  disk?.resume();
  await killAllServers();
  await disk?.destroy();
  disk = null;
});

const peer = (server: SpawnedServer, boardId: string) => {
  const p = connectPeer(server.url, boardId, { ackTimeoutMs: ACK_TIMEOUT_MS });
  peers.push(p);
  return p;
};

const waiting = (server: SpawnedServer, kind: 'records' | 'bytes') =>
  scrapeMetric(server.url, `drawbridge_storage_waiting{kind="${kind}"}`);

const shapes = (p: Peer) => p.doc.getMap('shapes');
let count = 0;
const addShape = (p: Peer, tag: string) => {
  const key = `${tag}-${++count}`;
  shapes(p).set(key, { kind: 'rect' });
  return key;
};

it.skipIf(!canStallDisk())(
  'the disk hangs: updates are answered "not stored yet", editors stay live together, SIGTERM ends, all lands after',
  async () => {
    disk = await mountStallingFs();
    const server = await spawnServer({ dataDir: disk.dir, env: ENV });
    const [a, b] = [peer(server, 'hang'), peer(server, 'hang')];
    await Promise.all([whenLive(a), whenLive(b)]);
    addShape(a, 'before');
    addShape(b, 'before');
    await Promise.all([whenSaved(a), whenSaved(b)]);
    const raw = await connectRaw(server.url);
    sockets.push(raw);
    const rawDoc = new Y.Doc();
    expect((await joinRaw(raw, 'hang', rawDoc)).ok).toBe(true);

    const shown: string[] = [];
    for (const p of [a, b]) p.provider.subscribe((s) => shown.push(s.status));
    const hungAt = Date.now();
    await disk.stall();

    // An update is answered within the server's wait: the write is stuck in the disk.
    const answeredMs = await expectNotStoredYet(raw, 'hang', rawDoc);

    // The editors keep drawing together well past their ack timeout, never off the board.
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
    // The process answers: health, and metrics saying that a commit has hung since the disk
    // did, with every edit since waiting behind it.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // Readiness pings storage, which does not answer: not ready, said in bounded time.
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks.storage).not.toBe(
      'ok',
    );
    const commitAge = await scrapeMetric(server.url, 'drawbridge_storage_commit_age_seconds');
    expect(commitAge).toBeGreaterThanOrEqual((ACK_TIMEOUT_MS + 2 * STORAGE_WAIT_MS) / 1000 - 1);
    expect(await waiting(server, 'records')).toBeGreaterThanOrEqual(2 * rounds);

    disk.resume();
    const back = Date.now();
    await Promise.all([a, b].map(whenSaved));
    const landedMs = Date.now() - back;
    expect(await waiting(server, 'records')).toBe(0);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(await scrapeMetric(server.url, 'drawbridge_storage_commit_age_seconds')).toBe(0);
    await expectConverged([a.doc, b.doc]);
    expect(shapes(a).has('raw')).toBe(true);

    // Hung again, a SIGTERM: the flush cannot end, and the node gives up after its timeout
    // instead of waiting on the disk. It kills itself (`exitAnyway`: its SQLite thread, stuck in
    // the disk, cannot stop), but the kernel ends a process only once every file it had open on
    // the mount is closed, which waits for the disk too: it is gone once the disk answers.
    await disk.stall();
    const unsavedKey = addShape(a, 'sigterm');
    await vi.waitFor(() => expect(shapes(b).has(unsavedKey)).toBe(true), {
      timeout: 5000,
      interval: 20,
    });
    const termAt = Date.now();
    const exit = server.kill('SIGTERM');
    await vi.waitFor(
      () => expect(server.logs.some((l) => l.includes('shutdown timed out'))).toBe(true),
      { timeout: SHUTDOWN_TIMEOUT_MS + 5000, interval: 20 },
    );
    const gaveUpMs = Date.now() - termAt;
    disk.resume();
    // Exit 1 if its threads stopped within `exitAnyway`'s wait, else its own SIGKILL.
    const ended = await exit;
    expect(ended.code === 1 || ended.signal === 'SIGKILL').toBe(true);
    // Its workers were stopped to exit, not dead: none was restarted.
    expect(server.logs.filter((l) => l.includes('worker died'))).toEqual([]);

    // A restarted server has every saved edit, and the editor's unsaved one lands when it
    // reconnects.
    const restarted = await spawnServer({ dataDir: disk.dir, port: server.port, env: ENV });
    await Promise.all([a, b].map(whenSaved));
    const reader = peer(restarted, 'hang');
    await whenLive(reader);
    await expectConverged([a.doc, b.doc, reader.doc]);
    // 2 before, 2 per round while it hung, the raw client's, and the one made before SIGTERM.
    expect(shapes(reader).size).toBe(2 + 2 * rounds + 1 + 1);
    expect(shapes(reader).has(unsavedKey)).toBe(true);

    await restarted.kill('SIGKILL');
    const db = new Database(`${disk.dir}/drawbridge.sqlite`, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    if (verbose) console.info(JSON.stringify({ answeredMs, rounds, landedMs, gaveUpMs }));
  },
  60_000,
);
