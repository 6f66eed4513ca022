/**
 * The loaded boards' memory budget, in a real server process whose heap is capped: editors paste
 * large boards into board after board, each keeping its member. Without the budget the process
 * runs out of heap and dies with every board on it (a 384 MB heap died on its seventh
 * 10,000-shape board); with it, what would pass the budget is refused with a retryable
 * STORAGE_ERROR, the process lives on, and nothing stored is lost.
 */
import { rmSync } from 'node:fs';
import { ErrorCode } from '@drawbridge/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { sceneUpdate } from './bench/lib/scene.js';
import { scrapeMetric } from './utils/metrics.js';
import { killAllServers, spawnServer } from './utils/process.js';
import { connectRaw, fetchBoard, joinRaw, type RawSocket } from './utils/rawClient.js';
import { startServer, tempDir } from './utils/server.js';

const SHAPES = 5000;
const HEAP_MB = 256;
/** Default budget: the heap's limit over 64 (about 4 MiB here), at least MAX_BOARD_BYTES. */
const MAX_BOARD_BYTES = 2 * 2 ** 20;

const paste = (socket: RawSocket, boardId: string, update: Uint8Array) =>
  socket.timeout(60_000).emitWithAck('doc:update', { boardId, update });

const loadedBytes = (url: string, kind: 'used' | 'budget') =>
  scrapeMetric(url, `drawbridge_boards_loaded_bytes{kind="${kind}"}`);

afterEach(killAllServers);

describe('memory budget with pastes at once', () => {
  it('counts a large update from its admission: of two pastes with room for one, one is refused', async () => {
    const server = await startServer({
      limits: { maxBoardBytes: MAX_BOARD_BYTES },
      maxLoadedBoardBytes: MAX_BOARD_BYTES,
    });
    const sockets: RawSocket[] = [];
    try {
      const updates = [sceneUpdate(SHAPES, 1), sceneUpdate(SHAPES, 2)];
      // Each fits alone; both do not.
      expect(updates[0]!.byteLength).toBeLessThanOrEqual(MAX_BOARD_BYTES);
      expect(updates[0]!.byteLength + updates[1]!.byteLength).toBeGreaterThan(MAX_BOARD_BYTES);
      for (const b of [0, 1]) {
        const socket = await connectRaw(server.url);
        sockets.push(socket);
        expect((await joinRaw(socket, `at-once-${b}`)).ok).toBe(true);
      }
      const acks = await Promise.all(
        [0, 1].map((b) => paste(sockets[b]!, `at-once-${b}`, updates[b]!)),
      );
      expect(acks.filter((ack) => ack.ok)).toHaveLength(1);
      const refused = acks.find((ack) => !ack.ok);
      expect(refused?.ok === false && refused.error.code).toBe(ErrorCode.STORAGE_ERROR);
      const sizes = await Promise.all(
        [0, 1].map(
          async (b) => (await fetchBoard(server.url, `at-once-${b}`)).getMap('shapes').size,
        ),
      );
      expect(sizes.sort()).toEqual([0, SHAPES]);
    } finally {
      for (const socket of sockets) socket.disconnect();
      await server.destroy();
    }
  }, 120_000);
});

describe('memory budget of the loaded boards', () => {
  it('refuses pastes past it instead of running out of heap; leaving makes room; nothing is lost', async () => {
    const dataDir = tempDir();
    const sockets: RawSocket[] = [];
    try {
      const server = await spawnServer({
        dataDir,
        env: {
          NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}`,
          MAX_BOARD_BYTES: String(MAX_BOARD_BYTES),
          IDLE_UNLOAD_MS: '600000',
        },
        startTimeoutMs: 60_000,
      });
      const budget = await loadedBytes(server.url, 'budget');
      expect(budget).toBeGreaterThanOrEqual(MAX_BOARD_BYTES);
      expect(budget).toBeLessThan(HEAP_MB * 2 ** 20);
      // Board after board, each member staying, until a paste is refused.
      const accepted: string[] = [];
      let refused: { boardId: string; update: Uint8Array; socket: RawSocket } | null = null;
      for (let b = 0; b < 16 && refused === null; b++) {
        const boardId = `big-${b}`;
        const socket = await connectRaw(server.url);
        sockets.push(socket);
        const joined = await joinRaw(socket, boardId);
        expect(joined.ok).toBe(true);
        const update = sceneUpdate(SHAPES, b + 1);
        const ack = await paste(socket, boardId, update);
        if (ack.ok) accepted.push(boardId);
        else {
          expect(ack.error.code).toBe(ErrorCode.STORAGE_ERROR);
          expect(ack.error.message).toMatch(/MAX_LOADED_BOARD_BYTES/);
          refused = { boardId, update, socket };
        }
      }
      expect(refused).not.toBeNull();
      expect(accepted.length).toBeGreaterThanOrEqual(2);
      expect(await loadedBytes(server.url, 'used')).toBeLessThanOrEqual(budget);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      // The refused paste left its board as it was.
      expect((await fetchBoard(server.url, refused!.boardId)).getMap('shapes').size).toBe(0);

      // The first board's member leaves: a retry unloads it and then passes.
      sockets[0]!.disconnect();
      const deadline = Date.now() + 30_000;
      let retried = await paste(refused!.socket, refused!.boardId, refused!.update);
      while (!retried.ok && Date.now() < deadline) {
        expect(retried.error.code).toBe(ErrorCode.STORAGE_ERROR);
        await new Promise((resolve) => setTimeout(resolve, 200));
        retried = await paste(refused!.socket, refused!.boardId, refused!.update);
      }
      expect(retried.ok).toBe(true);
      accepted.push(refused!.boardId);
      for (const socket of sockets) socket.disconnect();
      expect((await server.kill('SIGTERM')).code).toBe(0);

      // Every accepted paste is stored whole: read back by a server without the cap.
      const again = await spawnServer({ dataDir, startTimeoutMs: 60_000 });
      for (const boardId of accepted) {
        const doc = await fetchBoard(again.url, boardId);
        expect(doc.getMap('shapes').size, boardId).toBe(SHAPES);
      }
    } finally {
      for (const socket of sockets) socket.disconnect();
      await killAllServers();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
