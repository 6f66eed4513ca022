import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type BoardJoined,
  Decoder,
  Encoder,
  type Packet,
  PacketType,
  PROTOCOL_VERSION,
  parser,
} from '@drawbridge/protocol';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { engineClients } from './utils/engine.js';
import {
  connectPeer,
  destroyAll,
  expectConverged,
  type Peer,
  whenLive,
  whenSaved,
} from './utils/peers.js';
import { joinRaw, type RawSocket } from './utils/rawClient.js';
import { startServer, type TestServer } from './utils/server.js';

/** A CONNECT whose `auth` joins `boardId` with the state vector of `doc` (PROTOCOL.md §2.3). */
const joinAuth = (boardId: string, doc: Y.Doc, extra: Record<string, unknown> = {}) => ({
  join: {
    boardId,
    protocol: PROTOCOL_VERSION,
    stateVector: Y.encodeStateVector(doc),
    ...extra,
  },
});

type Writable = { _write: (...args: never[]) => void; _writev?: (...args: never[]) => void };

/** The server's TCP socket of its only connection that is not the author's. */
function serverSideTcp(server: TestServer): Writable {
  const tcps = engineClients(server).map(
    (client) =>
      (client as { transport: { socket: { _socket: Writable } } }).transport.socket._socket,
  );
  return tcps[tcps.length - 1]!;
}

/** Calls `onWrite` on every write the socket makes from now on. */
function countWrites(tcp: Writable, onWrite: () => void): void {
  for (const method of ['_write', '_writev'] as const) {
    const original = tcp[method];
    if (typeof original !== 'function') continue;
    tcp[method] = function (this: unknown, ...args: never[]) {
      onWrite();
      return original.apply(this, args);
    };
  }
}

/** Connects with `auth` and resolves with the socket and the first `board:joined`. */
function connectJoining(
  url: string,
  auth: Record<string, unknown>,
): Promise<{ socket: RawSocket; joined: BoardJoined }> {
  const socket = io(url, {
    parser,
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth,
  }) as RawSocket;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.disconnect();
      reject(new Error('no board:joined within 5 s'));
    }, 5000);
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('board:joined', (joined) => {
      clearTimeout(timer);
      resolve({ socket, joined });
    });
  });
}

describe('joining on connect', () => {
  let server: TestServer | undefined;
  let peers: Peer[] = [];
  const sockets: RawSocket[] = [];
  afterEach(async () => {
    destroyAll(peers);
    peers = [];
    for (const socket of sockets.splice(0)) socket.disconnect();
    await server?.destroy();
    server = undefined;
  });

  it('a CONNECT carrying a join is answered with board:joined; the member then edits and converges', async () => {
    server = await startServer();
    const author = connectPeer(server.url, 'on-connect');
    peers.push(author);
    await whenLive(author);
    for (let i = 0; i < 50; i++) author.doc.getMap('shapes').set(`s${i}`, { x: i });
    await whenSaved(author);

    const doc = new Y.Doc();
    doc.getMap('shapes').set('mine-before', { x: -1 });
    const { socket, joined } = await connectJoining(server.url, joinAuth('on-connect', doc));
    sockets.push(socket);
    if (!joined.ok) throw new Error(joined.error.message);
    expect(joined.boardId).toBe('on-connect');
    expect(joined.role).toBe('editor');
    Y.applyUpdate(doc, joined.update);
    socket.on('doc:update', (message) => Y.applyUpdate(doc, message.update));
    // What the server lacks, as after any join (PROTOCOL.md §5 step 3).
    const diff = Y.encodeStateAsUpdate(doc, joined.stateVector);
    const stored = await socket.timeout(5000).emitWithAck('doc:update', {
      boardId: 'on-connect',
      update: diff,
    });
    expect(stored).toEqual({ ok: true });
    // A member like any other: it receives the others' edits.
    author.doc.getMap('shapes').set('after', { x: 99 });
    await expectConverged([author.doc, doc]);
    expect(doc.getMap('shapes').size).toBe(52);
  });

  it('a refused join on connect is answered with its error; the connection stays and may join', async () => {
    server = await startServer();
    const cases: [Record<string, unknown>, string, string | undefined][] = [
      [
        { join: { boardId: 'no spaces!', protocol: 1, stateVector: new Uint8Array([0]) } },
        'INVALID_BOARD_ID',
        'no spaces!',
      ],
      [
        { join: { boardId: 'b', protocol: 99, stateVector: new Uint8Array([0]) } },
        'UNSUPPORTED_PROTOCOL',
        'b',
      ],
      [{ join: { boardId: 'b', protocol: 1, stateVector: 'not bytes' } }, 'BAD_REQUEST', 'b'],
      [{ join: 'a string' }, 'BAD_REQUEST', undefined],
    ];
    for (const [auth, code, boardId] of cases) {
      const { socket, joined } = await connectJoining(server.url, auth);
      sockets.push(socket);
      expect(joined.ok).toBe(false);
      if (joined.ok) continue;
      expect(joined.error.code).toBe(code);
      expect(joined.boardId).toBe(boardId);
      // Not a member of anything, and still connected: a board:join works.
      expect(socket.connected).toBe(true);
      const ack = await joinRaw(socket, 'b');
      expect(ack.ok).toBe(true);
    }
  });

  it("the CONNECT answer and the join's answer leave the server in one write", async () => {
    server = await startServer();
    const author = connectPeer(server.url, 'one-write');
    peers.push(author);
    await whenLive(author);
    author.doc.getMap('shapes').set('a', { x: 1 });
    await whenSaved(author); // the board is in memory: the join answers in the same turn

    const wsUrl = `${server.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    try {
      const packets: Packet[] = [];
      const decoder = new Decoder();
      decoder.on('decoded', (packet: Packet) => packets.push(packet));
      let writes = 0;
      const answered = new Promise<void>((resolve, reject) => {
        ws.on('error', reject);
        ws.on('message', (data: Buffer, isBinary: boolean) => {
          if (!isBinary) {
            if (data.toString()[0] !== '0') return;
            // Engine.IO's OPEN: from here, count the writes of the server's TCP socket for this
            // connection (each `_write` or `_writev` is one syscall), then send the CONNECT.
            countWrites(serverSideTcp(server!), () => writes++);
            const connect = new Encoder().encode({
              type: PacketType.CONNECT,
              nsp: '/',
              data: joinAuth('one-write', new Y.Doc()),
            });
            for (const chunk of connect) ws.send(chunk as Uint8Array);
            return;
          }
          decoder.add(data);
          if (packets.length === 2) resolve();
        });
      });
      await answered;
      expect(packets.map((p) => p.type)).toEqual([PacketType.CONNECT, PacketType.EVENT]);
      const [event, joined] = packets[1]!.data as [string, BoardJoined];
      expect(event).toBe('board:joined');
      expect(joined.ok).toBe(true);
      expect(writes).toBe(1);
    } finally {
      ws.terminate();
    }
  });

  it('the provider joins on connect, and rejoins so after a reconnect with its offline edits', async () => {
    server = await startServer();
    const author = connectPeer(server.url, 'provider');
    const peer = connectPeer(server.url, 'provider');
    peers.push(author, peer);
    const sent: string[] = [];
    peer.provider.socket.onAnyOutgoing((event: string) => sent.push(event));
    author.doc.getMap('shapes').set('from-author', { x: 1 });
    await Promise.all([whenSaved(author), whenLive(peer)]);
    await expectConverged([author.doc, peer.doc]);

    // The transport drops; edits made meanwhile are sent by the rejoin.
    const dropped = peer.provider.when((s) => s.status === 'offline');
    peer.provider.socket.io.engine.close();
    await dropped;
    peer.doc.getMap('shapes').set('offline', { x: 2 });
    author.doc.getMap('shapes').set('while-away', { x: 3 });
    await whenSaved(peer);
    await expectConverged([author.doc, peer.doc]);
    expect(peer.doc.getMap('shapes').get('while-away')).toEqual({ x: 3 });
    expect(author.doc.getMap('shapes').get('offline')).toEqual({ x: 2 });
    expect(sent).not.toContain('board:join');
    expect(sent).toContain('doc:update');
  });

  it("beforeJoin runs after the server's answer is applied and before the local changes are sent", async () => {
    server = await startServer();
    const author = connectPeer(server.url, 'before');
    peers.push(author);
    await whenLive(author);
    author.doc.getMap('shapes').set('server-side', { x: 1 });
    await whenSaved(author);

    const doc = new Y.Doc();
    doc.getMap('shapes').set('local', { x: 2 });
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: { hadServerContent: boolean; sentBefore: string[] }[] = [];
    const sent: string[] = [];
    const peer = connectPeer(server.url, 'before', {
      doc,
      beforeJoin: () => {
        seen.push({
          hadServerContent: doc.getMap('shapes').has('server-side'),
          sentBefore: [...sent],
        });
        return gate;
      },
    });
    peers.push(peer);
    peer.provider.socket.onAnyOutgoing((event: string) => sent.push(event));
    await peer.provider.when((s) => s.synced);
    expect(peer.provider.state.status).toBe('connecting');
    expect(seen).toEqual([{ hadServerContent: true, sentBefore: [] }]);
    release();
    await whenSaved(peer);
    await expectConverged([author.doc, peer.doc]);
    expect(sent[0]).toBe('doc:update');
    expect(sent).not.toContain('board:join');
  });
});

describe('joining on connect, against a server that does not know it', () => {
  let http: HttpServer | undefined;
  let peers: Peer[] = [];
  afterEach(async () => {
    destroyAll(peers);
    peers = [];
    await new Promise((resolve) => http?.close(resolve));
  });

  it('the provider sends board:join once the ack timeout passes without board:joined', async () => {
    // An older server: it ignores `auth.join` and answers `board:join` from its own document.
    const board = new Y.Doc();
    board.getMap('shapes').set('old-server', { x: 7 });
    http = createHttpServer();
    const older = new Server(http, { parser });
    const joins: unknown[] = [];
    older.on('connection', (socket) => {
      socket.on('board:join', (request: { stateVector: Uint8Array }, ack: (r: unknown) => void) => {
        joins.push(request);
        ack({
          ok: true,
          role: 'editor',
          update: Y.encodeStateAsUpdate(board, request.stateVector),
          stateVector: Y.encodeStateVector(board),
          awareness: new Uint8Array([0]),
        });
      });
    });
    await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    const peer = connectPeer(`http://127.0.0.1:${port}`, 'old', { ackTimeoutMs: 300 });
    peers.push(peer);
    await whenLive(peer);
    expect(peer.doc.getMap('shapes').get('old-server')).toEqual({ x: 7 });
    expect(joins).toHaveLength(1);
    older.close();
  });
});
