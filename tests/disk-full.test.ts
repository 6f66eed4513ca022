/**
 * The server's disk fills up under a real SQLite file (its data dir on a small tmpfs, mounted for
 * the test; root only, skipped otherwise): edits are refused with a retryable error, never acked
 * unstored; their writers stay on the board, live, their edits unsaved; the process, its other
 * boards and new tabs go on; a restart while the disk is still full serves everything acked;
 * once space is freed, the clients' refused edits land by themselves, and storage holds exactly
 * the board everyone has, intact.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode } from '@drawbridge/protocol';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { STORAGE_ERROR_LOG_EVERY_MS } from '../apps/server/src/handlers/StorageErrorLog.js';
import { documentVersion } from '../apps/server/src/rooms/documentVersion.js';
import { scrapeMetric } from './utils/metrics.js';
import {
  connectPeer,
  destroyAll,
  editUntilRefused,
  expectConverged,
  expectLiveUnsaved,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { killAllServers, type SpawnedServer, spawnServer } from './utils/process.js';
import { canMountTmpfs, fillUp, mountTmpfs, resizeTmpfs, unmountTmpfs } from './utils/tmpfs.js';

/**
 * A server's log while the disk was full stays readable: its failures are logged once per
 * board and outage, or at most one line per interval, each naming its cause once.
 */
function expectQuietLog(server: SpawnedServer, board: string, elapsedMs: number): void {
  const lines = server.logs.flatMap((line) => {
    try {
      return [JSON.parse(line) as { msg?: string; boardId?: string; err?: { message: string } }];
    } catch {
      return [];
    }
  });
  const appendFailed = lines.filter((l) => l.msg === 'append failed' && l.boardId === board);
  expect(appendFailed).toHaveLength(1);
  const answered = lines.filter((l) => l.msg?.startsWith('storage failed'));
  expect(answered.length).toBeGreaterThan(0);
  expect(answered.length).toBeLessThanOrEqual(
    1 + Math.ceil(elapsedMs / STORAGE_ERROR_LOG_EVERY_MS),
  );
  for (const { err } of lines) {
    if (err) expect(err.message).not.toMatch(/disk is full: database or disk is full/);
  }
}

const mountable = canMountTmpfs();

const ENV = {
  // Compactions run while the disk fills too.
  COMPACT_EVERY: '20',
  MAX_MESSAGES_PER_SECOND: '100000',
};
/** About 20 KB per shape: a 3 MB disk fills within some 150 of them. */
const bulky = (i: number) => ({ kind: 'text', text: `${i} ${'lorem ipsum '.repeat(1700)}` });

let dir: string | null = null;
let peers: Peer[] = [];

afterEach(async () => {
  destroyAll(peers);
  peers = [];
  await killAllServers();
  if (dir) unmountTmpfs(dir);
  dir = null;
});

const unstored = (url: string, kind: 'boards' | 'bytes') =>
  scrapeMetric(url, `drawbridge_unstored{kind="${kind}"}`);

const peer = (server: SpawnedServer, board: string) => {
  const p = connectPeer(server.url, board);
  peers.push(p);
  return p;
};

describe.skipIf(!mountable)('a full disk (tmpfs; needs root to mount)', () => {
  it('refuses edits with a retryable error, loses nothing, and stores them once space is freed', async () => {
    dir = mountTmpfs('3M')!;
    const startedAt = performance.now();
    const server = await spawnServer({ dataDir: dir, env: ENV });
    const writer = peer(server, 'full');
    const reader = peer(server, 'full');
    const other = peer(server, 'other');
    await Promise.all([whenLive(writer), whenLive(reader), whenLive(other)]);
    const shapes = writer.doc.getMap('shapes');

    // Edit until the server refuses one: everything before it was acked, so it is stored.
    const acked = await editUntilRefused(writer, bulky);
    expect(writer.provider.state.error?.code).toBe(ErrorCode.STORAGE_ERROR);
    expect(acked).toBeGreaterThan(10);
    // More edits while it is full: refused and kept by the client, as the first one. The writer
    // stays on the board (its rejoin is answered, saying the board holds unstored edits): the
    // reader sees its edits as they are made, and it sees the reader's.
    for (let i = 1; i <= 5; i++) shapes.set(`s${acked + i}`, bulky(acked + i));
    expect(writer.provider.state.unsaved).toBeGreaterThan(0);
    await expectLiveUnsaved(writer, reader, 'full');
    expect(writer.provider.state.error?.code).toBe(ErrorCode.STORAGE_ERROR);
    for (let i = 0; i <= acked + 5; i++)
      expect(reader.doc.getMap('shapes').has(`s${i}`)).toBe(true);

    // The process serves on: health, another board's edits reach its members, new joins.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // Operators see what it holds unstored: one board, the refused edits' bytes (20 KB each).
    expect(await unstored(server.url, 'boards')).toBe(1);
    expect(await unstored(server.url, 'bytes')).toBeGreaterThan(5 * 20_000);
    const otherReader = peer(server, 'other');
    await whenLive(otherReader);
    other.doc.getMap('shapes').set('small', { x: 1 });
    await expectConverged([other.doc, otherReader.doc]);

    // The writer's laptop closes; kill -9 and a restart, and the disk fills up again (what the
    // restart freed, a filler takes). Back online, the writer resends what was refused, refused
    // again: from then on the board holds edits it could not store, and says so in every join
    // answer. The writer stays on, live; a new tab opens the board, refused edits included.
    writer.provider.socket.disconnect();
    await server.kill('SIGKILL');
    expectQuietLog(server, 'full', performance.now() - startedAt);
    const restartedAt = performance.now();
    const restarted = await spawnServer({ dataDir: dir, port: server.port, env: ENV });
    fillUp(path.join(dir, 'filler'));
    writer.provider.socket.connect();
    const refusedHere = (board: string) =>
      restarted.logs.some(
        (l) => l.includes('"append failed"') && l.includes(`"boardId":"${board}"`),
      );
    await vi.waitFor(() => expect(refusedHere('full')).toBe(true), {
      timeout: 15_000,
      interval: 50,
    });
    const late = peer(restarted, 'full');
    await vi.waitFor(() => expect(late.provider.state.status).toBe('live'), {
      timeout: 15_000,
      interval: 50,
    });
    for (let i = 0; i <= acked + 5; i++) expect(late.doc.getMap('shapes').has(`s${i}`)).toBe(true);
    await expectLiveUnsaved(writer, late, 'restarted');
    expect(writer.provider.state.error?.code).toBe(ErrorCode.STORAGE_ERROR);

    // Space freed: the writer's refused edits land without anyone resending them by hand.
    rmSync(path.join(dir, 'filler'));
    resizeTmpfs(dir, '64M');
    await Promise.all([writer, reader, late, other].map(whenSaved));
    expect(writer.provider.state.error).toBeNull();
    expect(await unstored(restarted.url, 'boards')).toBe(0);
    expect(await unstored(restarted.url, 'bytes')).toBe(0);
    await expectConverged([writer.doc, reader.doc, late.doc]);
    await expectConverged([other.doc, otherReader.doc]);
    const version = documentVersion(writer.doc);
    expectQuietLog(restarted, 'full', performance.now() - restartedAt);
    expect(restarted.logs.some((l) => l.includes('"failedAppends"'))).toBe(true);

    // Storage holds exactly that board, and the file is intact.
    await restarted.kill('SIGKILL');
    const db = new Database(path.join(dir, 'drawbridge.sqlite'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    const last = await spawnServer({ dataDir: dir, port: server.port, env: ENV });
    const fresh = peer(last, 'full');
    await whenSaved(fresh);
    expect(documentVersion(fresh.doc)).toBe(version);
  }, 120_000);
});
