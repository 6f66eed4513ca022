import { joinBoard } from './boardHandlers.js';
import { type AnyAck, boardIdOf, type DrawbridgeSocket, type HandlerDeps } from './context.js';

/**
 * A join made on connect (PROTOCOL.md §2.3): a CONNECT whose `auth` carries `join`, a
 * `board:join` request, is joined as part of the connection and answered with a `board:joined`
 * event. It saves the client a round trip on every join and rejoin, and the server a message
 * each way. The CONNECT answer and the join's answer leave in one write when the board is in
 * memory: from the namespace middleware (before Socket.IO queues its CONNECT answer) until the
 * join is answered or the event loop's turn ends, whichever is first, the connection's
 * WebSocket transport is held unwritable, so Engine.IO keeps both packets and then sends them
 * as one batch (one writev: corkedBatches.ts). Engine.IO does the same itself while a write is
 * in flight; a TCP cork alone would not do, as Engine.IO sends nothing more until its first
 * write has called back.
 */
interface Transport {
  name?: string;
  writable?: boolean;
  emit(event: 'ready'): unknown;
}

const held = new WeakMap<DrawbridgeSocket, Transport>();

/** The join a CONNECT asked for, or undefined. */
export function connectJoinOf(socket: DrawbridgeSocket): unknown {
  const auth = socket.handshake.auth as { join?: unknown } | null | undefined;
  return auth?.join ?? undefined;
}

/** Namespace middleware: holds the writes of a WebSocket connection that joins on connect. */
export function holdConnectAnswer(socket: DrawbridgeSocket, next: (error?: Error) => void): void {
  const transport = socket.conn.transport as unknown as Transport;
  // Not when a write is in flight (then Engine.IO holds the packets itself), nor on polling.
  if (
    connectJoinOf(socket) !== undefined &&
    transport.name === 'websocket' &&
    transport.writable === true
  ) {
    transport.writable = false;
    held.set(socket, transport);
    setImmediate(release, socket);
  }
  next();
}

/** Lets Engine.IO write what it queued meanwhile (its `ready` event flushes). */
function release(socket: DrawbridgeSocket): void {
  const transport = held.get(socket);
  if (transport === undefined) return;
  held.delete(socket);
  transport.writable = true;
  transport.emit('ready');
}

/** Joins the board `input` names and answers with `board:joined`, whatever the outcome. */
export function joinOnConnect(deps: HandlerDeps, socket: DrawbridgeSocket, input: unknown): void {
  const boardId = boardIdOf(input);
  const answer: AnyAck = (result) => {
    socket.emit('board:joined', {
      ...(boardId !== undefined ? { boardId } : {}),
      ...result,
    } as Parameters<typeof socket.emit<'board:joined'>>[1]);
    release(socket);
  };
  void joinBoard(deps, socket, input, answer);
}
