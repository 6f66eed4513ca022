/**
 * An idle connection does not keep the HTTP requests it was opened with (http/connectionMemory.ts
 * and the engine socket's `request`): once the socket is connected and has joined a board, every
 * request the server saw for it can be collected, on WebSocket from the start or after an upgrade
 * from polling, and the connection still works (edits acked, a flood rate limited). Its emitters'
 * listener tables are in V8's fast mode, not dictionaries, and its handshake keeps no headers.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ErrorCode } from '@drawbridge/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { whenServerOnWebSocket } from './utils/engine.js';
import { connectRaw, joinRaw, type RawSocket, sendUpdate } from './utils/rawClient.js';
import { startServer, type TestServer } from './utils/server.js';

setFlagsFromString('--expose-gc');
setFlagsFromString('--allow-natives-syntax');
const gc = runInNewContext('gc') as () => void;
// Compiled after the flag is set: V8 intrinsics parse only then.
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (
  o: object,
) => boolean;

/** Which of a connection's four emitters keep their listeners in a dictionary (listenerTables.ts). */
function dictionaryTables(server: TestServer): string[] {
  const [socket] = [...server.server.io.of('/').sockets.values()];
  if (!socket) throw new Error('no socket on the server');
  const conn = socket.conn as unknown as { transport: { socket: object } };
  const emitters = {
    'Socket.IO socket': socket,
    'Engine.IO socket': conn,
    'Engine.IO transport': conn.transport,
    'ws WebSocket': conn.transport.socket,
  };
  return Object.entries(emitters)
    .filter(([, emitter]) => !hasFastProperties((emitter as { _events: object })._events))
    .map(([name]) => name);
}

/** Resolves once none of `refs` holds its object any more, collecting garbage meanwhile. */
async function collected(refs: WeakRef<object>[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    gc();
    const alive = refs.filter((ref) => ref.deref() !== undefined).length;
    if (alive === 0) return;
    if (Date.now() > deadline) throw new Error(`${alive} of ${refs.length} requests still held`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const edit = (text: string): Uint8Array => {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
};

describe('connection memory', () => {
  let server: TestServer | undefined;
  let socket: RawSocket | undefined;
  afterEach(async () => {
    socket?.disconnect();
    await server?.destroy();
    server = socket = undefined;
  });

  for (const transports of [['websocket'], ['polling', 'websocket']] as const) {
    it(`lets go of the requests once connected (${transports.join(' then ')})`, async () => {
      server = await startServer({ limits: { maxMessagesPerSecond: 5 } });
      const requests: WeakRef<object>[] = [];
      server.server.io.engine.on('headers', (_headers: unknown, request: object) => {
        requests.push(new WeakRef(request));
      });
      socket = await connectRaw(server.url, { transports: [...transports] });
      await whenServerOnWebSocket(server);
      expect((await joinRaw(socket, 'idle')).ok).toBe(true);
      expect(requests.length).toBeGreaterThan(0);
      await collected(requests);
      expect(dictionaryTables(server)).toEqual([]);
      const [serverSide] = [...server.server.io.of('/').sockets.values()];
      expect(serverSide!.handshake.headers).toEqual({});
      expect(serverSide!.handshake.query).toEqual({});
      expect(serverSide!.handshake.address).toBe('127.0.0.1');

      // Still a working connection: its edits are acked, its flood refused.
      expect(await sendUpdate(socket, 'idle', edit('still here'))).toEqual({ ok: true });
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => sendUpdate(socket!, 'idle', edit(`flood ${i}`))),
      );
      const limited = answers.filter((a) => !a.ok && a.error.code === ErrorCode.RATE_LIMITED);
      expect(limited.length).toBeGreaterThan(0);
      expect(socket.connected).toBe(true);
    });
  }
});
