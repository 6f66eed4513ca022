/**
 * The handshake's Origin allow-list: a browser page on a foreign origin must not open a socket
 * (Socket.IO's `cors` only sets response headers), while non-browser clients (no Origin), the
 * server's own origin and listed origins connect.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { expectConverged } from './utils/peers.js';
import {
  connectRaw,
  createRawSocket,
  fetchBoard,
  joinRaw,
  type RawOptions,
  type RawSocket,
  sendUpdate,
} from './utils/rawClient.js';
import { startServer, type TestServer } from './utils/server.js';

const ALLOWED = 'http://allowed.example';
const EVIL = 'http://evil.example';

/** Status of a raw Engine.IO polling handshake (`GET /socket.io/?EIO=4&transport=polling`). */
function pollingHandshake(port: number, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/socket.io/?EIO=4&transport=polling',
        method: 'GET',
        headers: origin === undefined ? {} : { origin },
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('handshake Origin allow-list', () => {
  let ts: TestServer | undefined;
  const sockets: RawSocket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await ts?.destroy();
    ts = undefined;
  });

  /** A socket that must be refused: connect_error, never connect, nothing on the server. */
  async function expectRefused(url: string, opts: RawOptions, label: string): Promise<void> {
    const socket = createRawSocket(url, opts);
    sockets.push(socket);
    let connected = false;
    socket.on('connect', () => {
      connected = true;
    });
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(error, label).toBeInstanceOf(Error);
    expect(connected, `${label}: never connected`).toBe(false);
    expect(socket.connected, label).toBe(false);
    socket.disconnect();
  }

  /** Every socket joins `boardId`, one writes, and all of them and a fresh joiner converge. */
  async function expectUsable(url: string, boardId: string, clients: RawSocket[]): Promise<void> {
    const docs: Y.Doc[] = [];
    for (const socket of clients) {
      const ack = await joinRaw(socket, boardId);
      expect(ack.ok).toBe(true);
      docs.push(new Y.Doc());
    }
    const updates: Uint8Array[] = [];
    for (const [i, socket] of clients.entries()) {
      socket.on('doc:update', ({ update }) => Y.applyUpdate(docs[i]!, update));
    }
    const writer = docs[0]!;
    writer.on('update', (update: Uint8Array) => updates.push(update));
    writer.getMap('shapes').set('origin', { ok: true });
    for (const update of updates)
      expect(await sendUpdate(clients[0]!, boardId, update)).toEqual({ ok: true });
    const fresh = await fetchBoard(url, boardId);
    await expectConverged([...docs, fresh]);
    expect(fresh.getMap('shapes').get('origin')).toEqual({ ok: true });
  }

  it('refuses a foreign Origin and admits a listed one, none, and the same origin', async () => {
    const server = await startServer({ allowedOrigins: [ALLOWED] });
    ts = server;
    const own = `http://127.0.0.1:${server.port}`;

    await expectRefused(server.url, { extraHeaders: { origin: EVIL } }, 'foreign origin');
    await expectRefused(
      server.url,
      { extraHeaders: { origin: EVIL }, transports: ['polling'] },
      'foreign origin over polling',
    );
    for (const nearMiss of [
      'https://allowed.example', // another scheme is another origin
      'http://allowed.example:8080',
      'http://allowed.example.evil.example',
      'http://localhost:1', // not the server's own host:port
      `http://127.0.0.1:${server.port + 1}`,
      'null', // sandboxed iframes and file: pages
    ]) {
      await expectRefused(server.url, { extraHeaders: { origin: nearMiss } }, nearMiss);
    }
    await expect(connectRaw(server.url, { extraHeaders: { origin: EVIL } })).rejects.toThrow();
    expect(server.server.io.engine.clientsCount).toBe(0);
    expect(server.server.io.sockets.sockets.size).toBe(0);

    expect(await pollingHandshake(server.port, EVIL)).toBe(403);
    expect(await pollingHandshake(server.port, 'null')).toBe(403);
    expect(await pollingHandshake(server.port, ALLOWED)).toBe(200);
    expect(await pollingHandshake(server.port)).toBe(200);
    expect(await pollingHandshake(server.port, own)).toBe(200);

    const admitted = await Promise.all([
      connectRaw(server.url, { extraHeaders: { origin: ALLOWED } }),
      connectRaw(server.url, { extraHeaders: { origin: ALLOWED.toUpperCase() } }),
      connectRaw(server.url), // no Origin: a non-browser client
      connectRaw(server.url, { extraHeaders: { origin: own } }), // same origin
      connectRaw(server.url, { extraHeaders: { origin: ALLOWED }, transports: ['polling'] }),
    ]);
    sockets.push(...admitted);
    for (const socket of admitted) expect(socket.connected).toBe(true);
    await expectUsable(server.url, 'origin-board', admitted);
  });

  it("allowedOrigins ['*'] admits any origin", async () => {
    const server = await startServer({ allowedOrigins: ['*'] });
    ts = server;
    const admitted = await Promise.all([
      connectRaw(server.url, { extraHeaders: { origin: EVIL } }),
      connectRaw(server.url, { extraHeaders: { origin: 'null' } }),
      connectRaw(server.url, { extraHeaders: { origin: EVIL }, transports: ['polling'] }),
      connectRaw(server.url),
    ]);
    sockets.push(...admitted);
    for (const socket of admitted) expect(socket.connected).toBe(true);
    expect(await pollingHandshake(server.port, EVIL)).toBe(200);
    await expectUsable(server.url, 'any-origin-board', admitted);
  });
});
