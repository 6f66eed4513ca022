/**
 * One client connection to any of the compared servers, in that server's own protocol, behind
 * one interface: join a board, send updates (acked in order), receive updates.
 *
 * Acks: Drawbridge and the Socket.IO relay answer each update through an ack; the raw ws relay
 * with a text frame; Hocuspocus with a SyncStatus message; y-websocket has no acks, but echoes
 * every applied update to its sender too, which stands in for one (so only use acks there on a
 * board the sender writes alone).
 */
import { parser as drawbridgeParser } from '@drawbridge/protocol';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { io, type Socket } from 'socket.io-client';
import * as msgpackParser from 'socket.io-msgpack-parser';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { withTimeout } from '../../../apps/server/src/withTimeout.js';
import { carriesNews } from '../../../packages/client/src/joinDiff.js';
import type { ServerKind } from './servers.js';
import { type WireParser, WireSocket } from './socketIoWire.js';

export type OnAck = (error?: string) => void;

export interface ConnHandlers {
  /** An update the server delivered (relayed, or the join's catch-up). */
  update?(bytes: Uint8Array): void;
  /** The connection failed or closed without `close()`. */
  fail(reason: string): void;
}

export interface Conn {
  send(update: Uint8Array, onAck?: OnAck): void;
  /** Resolves with the ack (an error string when refused). */
  request(update: Uint8Array): Promise<string | undefined>;
  close(): void;
  /** What the join/sync delivered of the board (null for the plain relays). */
  readonly initial: Uint8Array | null;
}

export interface ServerAddress {
  url: string;
  wsUrl: string;
}

export interface ConnectOptions {
  /** The client's state vector; default: an empty document (or `doc`'s). */
  stateVector?: Uint8Array;
  /**
   * The client's document, to rejoin as each server's own client does: its state vector is
   * sent, and what the server lacks of it goes back the way that client sends it. Drawbridge's
   * `BoardProvider`: a `doc:update` of the diff against the join's state vector, only when it
   * holds anything (PROTOCOL.md §5 step 3). y-websocket's and Hocuspocus's providers: the diff
   * against the server's sync step 1, as their step 2 answer (always sent).
   */
  doc?: Y.Doc;
  /**
   * y-websocket: only an echo carrying this Yjs client's structs counts as an ack (needed on a
   * board with several writers). Without it, any update answers the oldest pending send.
   */
  clientId?: number;
  timeoutMs?: number;
}

const EMPTY_SV = Y.encodeStateVector(new Y.Doc());
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

function stateVectorOf(options: ConnectOptions): Uint8Array {
  return options.stateVector ?? (options.doc ? Y.encodeStateVector(options.doc) : EMPTY_SV);
}

/** What `doc` holds beyond `stateVector` (an empty update when nothing). */
function diffOf(doc: Y.Doc | undefined, stateVector: Uint8Array): Uint8Array {
  return doc ? Y.encodeStateAsUpdate(doc, stateVector) : EMPTY_UPDATE;
}
const NOOP_ACK: OnAck = () => {};

export function connect(
  kind: ServerKind,
  server: ServerAddress,
  boardId: string,
  handlers: ConnHandlers,
  options: ConnectOptions = {},
): Promise<Conn> {
  switch (kind) {
    case 'drawbridge':
    case 'socketio':
      return connectSocketIo(kind, server.url, boardId, handlers, options);
    case 'ws':
      return connectWs(`${server.wsUrl}/${boardId}`, handlers, options);
    case 'y-websocket':
      return connectYWebsocket(`${server.wsUrl}/${boardId}`, handlers, options);
    case 'hocuspocus':
      return connectHocuspocus(server.wsUrl, boardId, handlers, options);
  }
}

const bytesOf = (value: unknown): Uint8Array => {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new Error(`expected binary, got ${Object.prototype.toString.call(value)}`);
};

/** Adds `request` to a connection that has `send`. */
function withRequest(conn: Omit<Conn, 'request'>): Conn {
  return {
    ...conn,
    get initial() {
      return conn.initial;
    },
    request: (update) => new Promise((resolve) => conn.send(update, resolve)),
  };
}

type AnySocket = Socket<Record<string, (...args: never[]) => void>>;

type JoinAck = {
  ok: boolean;
  update?: unknown;
  stateVector?: unknown;
  error?: { code: string; message: string };
};
type UpdateAck = { ok: boolean; error?: { code: string; message: string } };

/**
 * Which client speaks Socket.IO for Drawbridge and the Socket.IO relay: `wire` (default), the
 * bench's own Socket.IO client over a bare `ws` socket (socketIoWire.ts), as light as the
 * peers' clients; `library`, socket.io-client, as an app would use it
 * (`BENCH_SOCKETIO_CLIENT=library`).
 */
export function socketIoClient(): 'wire' | 'library' {
  return process.env.BENCH_SOCKETIO_CLIENT === 'library' ? 'library' : 'wire';
}

function updateAckResult(result: UpdateAck | undefined): string | undefined {
  return result?.ok ? undefined : `${result?.error?.code}: ${result?.error?.message}`;
}

/**
 * Drawbridge: sends what `doc` holds beyond the join's state vector when the server lacks any of
 * it (PROTOCOL.md §5 step 3), decided as `BoardProvider` decides.
 */
function sendJoinDiff(conn: Conn, ack: JoinAck, doc: Y.Doc | undefined): Conn {
  if (doc === undefined || ack.stateVector === undefined || ack.update === undefined) return conn;
  const diff = Y.encodeStateAsUpdate(doc, bytesOf(ack.stateVector));
  if (carriesNews(diff, bytesOf(ack.update))) conn.send(diff);
  return conn;
}

/** What a join answer delivered of the board (null from the relay); throws if it was refused. */
function joined(kind: 'drawbridge' | 'socketio', ack: JoinAck): Uint8Array | null {
  if (!ack.ok) throw new Error(`board:join refused: ${ack.error?.code} ${ack.error?.message}`);
  return kind === 'drawbridge' ? bytesOf(ack.update) : null;
}

async function connectSocketIo(
  kind: 'drawbridge' | 'socketio',
  url: string,
  boardId: string,
  handlers: ConnHandlers,
  options: ConnectOptions,
): Promise<Conn> {
  if (socketIoClient() === 'library')
    return connectSocketIoLibrary(kind, url, boardId, handlers, options);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const parser = (kind === 'drawbridge' ? drawbridgeParser : msgpackParser) as WireParser;
  const join = { boardId, protocol: 1, stateVector: stateVectorOf(options) };
  // Drawbridge joins on connect (PROTOCOL.md §2.3): its answer is an event behind the CONNECT's.
  let answered: (ack: JoinAck) => void = () => {};
  const joinedOnConnect = new Promise<JoinAck>((resolve) => {
    answered = resolve;
  });
  const onConnect = kind === 'drawbridge';
  const socket = await WireSocket.open(url, parser, timeoutMs, {
    ...(onConnect ? { auth: { join } } : {}),
    on: {
      'doc:update': (message) =>
        handlers.update?.(bytesOf((message as { update: unknown }).update)),
      'board:error': (error) => {
        const { code, message } = error as { code: string; message: string };
        handlers.fail(`board:error ${code}: ${message}`);
      },
      'board:joined': (ack) => answered(ack as JoinAck),
    },
  });
  try {
    socket.onClose((reason) => handlers.fail(`disconnected: ${reason}`));
    const ack = onConnect
      ? await withTimeout(joinedOnConnect, timeoutMs, 'no board:joined')
      : ((await socket.request('board:join', join, timeoutMs)) as JoinAck);
    const initial = joined(kind, ack);
    const conn = withRequest({
      initial,
      send(update, onAck = NOOP_ACK) {
        socket.emit('doc:update', { boardId, update }, (result) =>
          onAck(updateAckResult(result as UpdateAck | undefined)),
        );
      },
      close: () => socket.close(),
    });
    return sendJoinDiff(conn, ack, options.doc);
  } catch (error) {
    socket.close();
    throw error;
  }
}

async function connectSocketIoLibrary(
  kind: 'drawbridge' | 'socketio',
  url: string,
  boardId: string,
  handlers: ConnHandlers,
  options: ConnectOptions,
): Promise<Conn> {
  const join = { boardId, protocol: 1, stateVector: stateVectorOf(options) };
  const socket = io(url, {
    parser: kind === 'drawbridge' ? drawbridgeParser : msgpackParser,
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    // Drawbridge joins on connect (PROTOCOL.md §2.3).
    ...(kind === 'drawbridge' ? { auth: { join } } : {}),
  }) as unknown as AnySocket;
  // Registered before connecting: a join on connect's answer arrives right behind the CONNECT's.
  socket.on('doc:update', (message: { update: unknown }) =>
    handlers.update?.(bytesOf(message.update)),
  );
  socket.on('board:error', (error: { code: string; message: string }) =>
    handlers.fail(`board:error ${error.code}: ${error.message}`),
  );
  const joinedOnConnect = new Promise<JoinAck>((resolve) =>
    socket.once('board:joined', (ack: JoinAck) => resolve(ack)),
  );
  let closing = false;
  const timeoutMs = options.timeoutMs ?? 10_000;
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (error: Error) =>
          reject(new Error(`connect_error: ${error.message}`)),
        );
      }),
      timeoutMs,
      'no connect',
    );
    socket.on('disconnect', (reason: string) => {
      if (!closing) handlers.fail(`disconnected: ${reason}`);
    });
    const ack =
      kind === 'drawbridge'
        ? await withTimeout(joinedOnConnect, timeoutMs, 'no board:joined')
        : ((await socket
            .timeout(timeoutMs)
            .emitWithAck('board:join' as never, join as never)) as JoinAck);
    const initial = joined(kind, ack);
    const conn = withRequest({
      initial,
      send(update, onAck = NOOP_ACK) {
        (socket.emit as unknown as (...args: unknown[]) => void)(
          'doc:update',
          { boardId, update },
          (result: UpdateAck) => onAck(updateAckResult(result)),
        );
      },
      close() {
        closing = true;
        socket.disconnect();
      },
    });
    return sendJoinDiff(conn, ack, options.doc);
  } catch (error) {
    closing = true;
    socket.disconnect();
    throw error;
  }
}

/** Opens a WebSocket; rejects on error or timeout. */
async function openWs(url: string, handlers: ConnHandlers, timeoutMs: number) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.binaryType = 'nodebuffer';
  let closing = false;
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    }),
    timeoutMs,
    'no connect',
  );
  ws.on('error', (error) => handlers.fail(`ws error: ${error.message}`));
  ws.on('close', (code) => {
    if (!closing) handlers.fail(`closed by the server (code ${code})`);
  });
  return {
    ws,
    close() {
      closing = true;
      ws.terminate();
    },
  };
}

/** Acks answered in send order. */
class AckQueue {
  #queue: OnAck[] = [];
  #head = 0;
  push(onAck: OnAck): void {
    this.#queue.push(onAck);
  }
  get pending(): number {
    return this.#queue.length - this.#head;
  }
  /** Answers the oldest; false if none is pending. */
  shift(error?: string): boolean {
    const onAck = this.#queue[this.#head];
    if (onAck === undefined) return false;
    this.#head++;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    }
    onAck(error);
    return true;
  }
}

async function connectWs(
  url: string,
  handlers: ConnHandlers,
  options: ConnectOptions,
): Promise<Conn> {
  const { ws, close } = await openWs(url, handlers, options.timeoutMs ?? 10_000);
  const acks = new AckQueue();
  ws.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) {
      if (!acks.shift()) handlers.fail('an ack without a pending update');
      return;
    }
    handlers.update?.(data);
  });
  return withRequest({
    initial: null,
    send(update, onAck = NOOP_ACK) {
      acks.push(onAck);
      ws.send(update, { binary: true });
    },
    close,
  });
}

// y-protocols message types, written out here (the peers' servers bring their own copies).
const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_AUTH = 2;
const MESSAGE_SYNC_STATUS = 8;
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;

function syncMessage(prefix: string | null, step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  if (prefix !== null) encoding.writeVarString(encoder, prefix);
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

async function connectYWebsocket(
  url: string,
  handlers: ConnHandlers,
  options: ConnectOptions,
): Promise<Conn> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { ws, close } = await openWs(url, handlers, timeoutMs);
  const acks = new AckQueue();
  let synced: ((initial: Uint8Array) => void) | null = null;
  const initial = new Promise<Uint8Array>((resolve) => {
    synced = resolve;
  });
  ws.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(data);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return; // awareness, auth, query
    const step = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (step === SYNC_STEP1) {
      // The server asks what we have: what it lacks (WebsocketProvider answers the same way).
      ws.send(syncMessage(null, SYNC_STEP2, diffOf(options.doc, payload)));
    } else if (step === SYNC_STEP2) {
      synced?.(payload);
      synced = null;
    } else if (step === SYNC_UPDATE) {
      // Our own update's echo stands in for its ack (applying it again changes nothing).
      handlers.update?.(payload);
      if (acks.pending > 0) {
        const mine =
          options.clientId === undefined || Y.parseUpdateMeta(payload).to.has(options.clientId);
        if (mine) acks.shift();
      }
    }
  });
  ws.send(syncMessage(null, SYNC_STEP1, stateVectorOf(options)));
  const state = await withTimeout(initial, timeoutMs, 'no sync');
  return withRequest({
    initial: state,
    send(update, onAck) {
      // No echo comes for an update that brings nothing new: only track what asks for an ack.
      if (onAck) acks.push(onAck);
      ws.send(syncMessage(null, SYNC_UPDATE, update));
    },
    close,
  });
}

async function connectHocuspocus(
  wsUrl: string,
  boardId: string,
  handlers: ConnHandlers,
  options: ConnectOptions,
): Promise<Conn> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { ws, close } = await openWs(wsUrl, handlers, timeoutMs);
  const acks = new AckQueue();
  let synced: ((initial: Uint8Array) => void) | null = null;
  const initial = new Promise<Uint8Array>((resolve) => {
    synced = resolve;
  });
  ws.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(data);
    decoding.readVarString(decoder); // the document name
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC_STATUS) {
      const saved = decoding.readVarUint(decoder) === 1;
      if (!acks.shift(saved ? undefined : 'not applied'))
        handlers.fail('a SyncStatus without a pending update');
      return;
    }
    if (type === MESSAGE_AUTH) {
      const subtype = decoding.readVarUint(decoder);
      if (subtype === 0 /* permission denied */) handlers.fail('hocuspocus: permission denied');
      return;
    }
    if (type !== MESSAGE_SYNC && type !== 4 /* SyncReply */) return;
    const step = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (step === SYNC_STEP1) {
      // Answered with a step 2, which Hocuspocus acks with a SyncStatus too.
      acks.push(NOOP_ACK);
      ws.send(syncMessage(boardId, SYNC_STEP2, diffOf(options.doc, payload)));
    } else if (step === SYNC_STEP2) {
      synced?.(payload);
      synced = null;
    } else if (step === SYNC_UPDATE) {
      handlers.update?.(payload);
    }
  });
  const auth = encoding.createEncoder();
  encoding.writeVarString(auth, boardId);
  encoding.writeVarUint(auth, MESSAGE_AUTH);
  encoding.writeVarUint(auth, 0); // token
  encoding.writeVarString(auth, '');
  ws.send(encoding.toUint8Array(auth));
  ws.send(syncMessage(boardId, SYNC_STEP1, stateVectorOf(options)));
  const state = await withTimeout(initial, timeoutMs, 'no sync');
  void MESSAGE_AWARENESS;
  return withRequest({
    initial: state,
    send(update, onAck = NOOP_ACK) {
      acks.push(onAck);
      ws.send(syncMessage(boardId, SYNC_UPDATE, update));
    },
    close,
  });
}
