/**
 * A raw Socket.IO client speaking the Drawbridge protocol without the provider: for tests that
 * send exactly the bytes they mean, hostile ones included.
 */
import {
  type AckResult,
  type BoardError,
  type ClientToServerEvents,
  type JoinResult,
  PROTOCOL_VERSION,
  parser,
  type ServerToClientEvents,
} from '@drawbridge/protocol';
import { io, type Socket } from 'socket.io-client';
import * as Y from 'yjs';

export type RawSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface RawOptions {
  extraHeaders?: Record<string, string>;
  transports?: ('websocket' | 'polling')[];
}

/** How long a raw request waits for its ack. */
export const RAW_ACK_TIMEOUT_MS = 5000;

/** A socket that is not connected yet (no handlers attached): for tests of the handshake. */
export function createRawSocket(url: string, opts: RawOptions = {}): RawSocket {
  return io(url, {
    parser,
    transports: opts.transports ?? ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(opts.extraHeaders ? { extraHeaders: opts.extraHeaders } : {}),
  }) as RawSocket;
}

/** Connects a raw socket; resolves on 'connect', rejects (and closes it) on 'connect_error'. */
export function connectRaw(url: string, opts: RawOptions = {}): Promise<RawSocket> {
  const socket = createRawSocket(url, opts);
  return new Promise((resolve, reject) => {
    const onConnect = () => {
      socket.off('connect_error', onError);
      resolve(socket);
    };
    const onError = (error: Error) => {
      socket.off('connect', onConnect);
      socket.disconnect();
      reject(error);
    };
    socket.once('connect', onConnect);
    socket.once('connect_error', onError);
  });
}

/** `board:join` with the state vector of `doc` (an empty one when omitted); returns the ack. */
export function joinRaw(
  socket: RawSocket,
  boardId: string,
  doc?: Y.Doc,
  token?: string,
): Promise<AckResult<JoinResult>> {
  return socket.timeout(RAW_ACK_TIMEOUT_MS).emitWithAck('board:join', {
    boardId,
    protocol: PROTOCOL_VERSION,
    stateVector: Y.encodeStateVector(doc ?? new Y.Doc()),
    ...(token !== undefined ? { token } : {}),
  });
}

/** `doc:update`; returns the ack. */
export function sendUpdate(
  socket: RawSocket,
  boardId: string,
  update: Uint8Array,
): Promise<AckResult> {
  return socket.timeout(RAW_ACK_TIMEOUT_MS).emitWithAck('doc:update', { boardId, update });
}

/** `awareness:update` with an ack; returns the ack. */
export function sendAwareness(
  socket: RawSocket,
  boardId: string,
  update: Uint8Array,
): Promise<AckResult> {
  return socket.timeout(RAW_ACK_TIMEOUT_MS).emitWithAck('awareness:update', { boardId, update });
}

/** Resolves with the next `board:error` the socket receives. */
export function nextBoardError(
  socket: RawSocket,
  timeoutMs = RAW_ACK_TIMEOUT_MS,
): Promise<BoardError> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('board:error', onError);
      reject(new Error(`no board:error within ${timeoutMs} ms`));
    }, timeoutMs);
    const onError = (error: BoardError) => {
      clearTimeout(timer);
      resolve(error);
    };
    socket.once('board:error', onError);
  });
}

/** The socket without its event typing: lets a test send payloads the contract forbids. */
type UntypedSocket = Socket<
  Record<string, (...args: unknown[]) => void>,
  Record<string, (...args: unknown[]) => void>
>;
const untyped = (socket: RawSocket): UntypedSocket => socket as unknown as UntypedSocket;

/** Emits `event` with arbitrary arguments and an ack; returns the ack. */
export function emitRaw(socket: RawSocket, event: string, ...args: unknown[]): Promise<AckResult> {
  return untyped(socket)
    .timeout(RAW_ACK_TIMEOUT_MS)
    .emitWithAck(event, ...args) as Promise<AckResult>;
}

/** Emits `event` with arbitrary arguments and no ack callback. */
export function emitRawNoAck(socket: RawSocket, event: string, ...args: unknown[]): void {
  untyped(socket).emit(event, ...args);
}

/** Resolves once the socket has disconnected, with the reason. */
export function whenDisconnected(socket: RawSocket): Promise<string> {
  if (socket.disconnected && !socket.active) return Promise.resolve('already disconnected');
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
}

/** A fresh Y.Doc holding what a new joiner of `boardId` receives. */
export async function fetchBoard(url: string, boardId: string): Promise<Y.Doc> {
  const socket = await connectRaw(url);
  try {
    const ack = await joinRaw(socket, boardId);
    if (!ack.ok) throw new Error(`join ${boardId} refused: ${ack.error.code}`);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, ack.update);
    return doc;
  } finally {
    socket.disconnect();
  }
}
