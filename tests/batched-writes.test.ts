/**
 * Batched writes: what queues for a WebSocket while its previous write is in flight goes out in
 * one writev (http/corkedBatches.ts), whether the connection started on WebSocket or upgraded
 * to it from polling. Counted at the server's TCP socket, with every ack still delivered, in
 * order, with its own answer. And a WebSocket connection opens with one write: the 101 answer
 * and Engine.IO's OPEN packet together (http/upgradeCork.ts).
 */

import type { Duplex } from 'node:stream';
import { ErrorCode } from '@drawbridge/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { engineClients, whenServerOnWebSocket } from './utils/engine.js';
import { connectRaw, emitRaw, type RawSocket } from './utils/rawClient.js';
import { startServer, type TestServer } from './utils/server.js';

interface CountedTcp {
  _write: (...args: unknown[]) => void;
  _writev: (...args: unknown[]) => void;
}

/** Counts the server's write calls (each a syscall) on every WebSocket's TCP socket. */
function countWrites(server: TestServer): { calls: number } {
  const counter = { calls: 0 };
  for (const client of engineClients(server)) {
    const transport = (client as { transport: { name: string; socket?: { _socket?: unknown } } })
      .transport;
    expect(transport.name).toBe('websocket');
    const tcp = transport.socket!._socket as CountedTcp;
    for (const method of ['_write', '_writev'] as const) {
      const original = tcp[method];
      tcp[method] = function (this: unknown, ...args: unknown[]) {
        counter.calls++;
        return original.apply(this, args);
      };
    }
  }
  return counter;
}

describe('batched writes', () => {
  let server: TestServer | undefined;
  let socket: RawSocket | undefined;
  afterEach(async () => {
    socket?.disconnect();
    await server?.destroy();
    server = socket = undefined;
  });

  for (const transports of [['websocket'], ['polling', 'websocket']] as const) {
    it(`answers a pipelined burst in far fewer writes than frames (${transports.join(' then ')})`, async () => {
      // Two messages a second: nearly all of the burst is refused, each with its own ack.
      server = await startServer({ limits: { maxMessagesPerSecond: 1 } });
      socket = await connectRaw(server.url, { transports: [...transports] });
      await whenServerOnWebSocket(server);
      const writes = countWrites(server);
      const count = 300;
      const answers = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          emitRaw(socket!, 'board:leave', { boardId: `burst-${i}` }),
        ),
      );
      const refused = answers.filter(
        (answer) => !answer.ok && answer.error.code === ErrorCode.RATE_LIMITED,
      );
      expect(refused.length).toBeGreaterThanOrEqual(count - 2);
      // One frame per ack; without batching that is at least one write per frame.
      expect(writes.calls).toBeGreaterThan(0);
      expect(writes.calls).toBeLessThan(count / 3);
    });
  }

  it('opens a WebSocket connection with one write: the 101 answer and the OPEN packet', async () => {
    server = await startServer();
    // Each write call on the new connection's socket, with the bytes it carried.
    const writes: string[] = [];
    // Runs before the server's own upgrade handling: wraps the new socket's writes.
    server.server.httpServer.prependListener('upgrade', (_req, tcp: Duplex) => {
      const counted = tcp as unknown as CountedTcp;
      const original = { write: counted._write, writev: counted._writev };
      counted._write = function (this: unknown, ...args: unknown[]) {
        writes.push(String(args[0]));
        return original.write.apply(this, args);
      };
      counted._writev = function (this: unknown, ...args: unknown[]) {
        writes.push((args[0] as { chunk: unknown }[]).map(({ chunk }) => String(chunk)).join(''));
        return original.writev.apply(this, args);
      };
    });
    const url = `${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const client = new WebSocket(url);
    const open = await new Promise<string>((resolve, reject) => {
      client.once('message', (data) => resolve(String(data)));
      client.once('error', reject);
    });
    client.close();
    // Engine.IO's OPEN packet, with the session's id and ping settings.
    expect(open.startsWith('0{"sid":')).toBe(true);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.startsWith('HTTP/1.1 101 Switching Protocols')).toBe(true);
    expect(writes[0]!.includes(open)).toBe(true);
  });
});
