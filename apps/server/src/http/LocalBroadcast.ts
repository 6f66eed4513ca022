import type { Duplex } from 'node:stream';
import type { Server } from 'socket.io';
import { webSocketOf } from './engineTransport.js';
import { wsBinaryFrame } from './wsFrame.js';

/** Socket.IO's EVENT packet type. */
const EVENT = 2;
/** ws's `WebSocket.OPEN` and its sender's idle state (`DEFAULT`). */
const WS_OPEN = 1;
const SENDER_IDLE = 0;

/** What this file reads of an Engine.IO connection (`socket.conn`). */
interface EngineConnection {
  readyState: string;
  transport: unknown;
  writeBuffer: unknown[];
  write(data: Uint8Array): unknown;
}

/** What this file reads of ws's WebSocket beyond `webSocketOf`'s view. */
interface WebSocketState {
  readyState?: number;
  _sender?: { _state?: number; _queue?: unknown[] };
  _socket?: Duplex;
}

/**
 * A board's relay to its members on this node: one Socket.IO event, encoded once, and framed
 * once as a WebSocket binary message, written as it is to each member's TCP socket.
 *
 * Socket.IO's own broadcast encodes the packet once, but then hands it to each connection's
 * Engine.IO socket, which wraps it in a packet object, queues and flushes it, and has ws frame
 * it with a header of its own and two writes under a cork, with callbacks and events on the
 * way: about 3 KB of garbage and most of a relay's CPU per member. Here a member costs one
 * write of a shared buffer.
 *
 * A member gets the frame directly only when nothing of its connection is waiting anywhere
 * above TCP: its transport is a WebSocket (polling has no TCP socket of its own), open, ws's
 * sender is idle with nothing queued (it queues only to compress or to read a Blob), and
 * Engine.IO's write buffer is empty. Everything sent to it earlier is then already in the TCP
 * socket, so the frame goes out after it, in order. Any other member gets the same encoded
 * packet through Engine.IO, as Socket.IO would send it.
 */
export class LocalBroadcast {
  readonly #io: Server;

  constructor(io: Server) {
    this.#io = io;
  }

  /**
   * Sends `event` with `payload` to every socket of `room` on this node, except the socket
   * `except`. Returns how many sockets it was sent to.
   */
  emit(room: string, except: string | null, event: string, payload: unknown): number {
    const ids = this.#io.sockets.adapter.rooms.get(room);
    if (!ids || ids.size === 0 || (except !== null && ids.size === 1 && ids.has(except))) return 0;
    const parts = this.#io.encoder.encode({ type: EVENT, nsp: '/', data: [event, payload] });
    const packet = parts.length === 1 ? parts[0] : undefined;
    if (!(packet instanceof Uint8Array)) {
      // A parser that sends more than one frame per packet (Socket.IO's default): its way.
      const target = this.#io.local.to(room);
      (except ? target.except(except) : target).emit(event as never, payload as never);
      return ids.size - (except !== null && ids.has(except) ? 1 : 0);
    }
    let frame: Buffer | null = null;
    let sent = 0;
    const sockets = this.#io.sockets.sockets;
    for (const id of ids) {
      if (id === except) continue;
      const conn = sockets.get(id)?.conn as unknown as EngineConnection | undefined;
      if (conn?.readyState !== 'open') continue;
      const tcp = idleTcpOf(conn);
      if (tcp) {
        frame ??= wsBinaryFrame(packet);
        tcp.write(frame);
      } else {
        conn.write(packet);
      }
      sent++;
    }
    return sent;
  }
}

/** The connection's TCP socket, if a frame written to it now would follow all it was sent. */
function idleTcpOf(conn: EngineConnection): Duplex | null {
  if (conn.writeBuffer.length !== 0) return null;
  const ws = webSocketOf(conn.transport) as WebSocketState | null;
  if (!ws || ws.readyState !== WS_OPEN) return null;
  const sender = ws._sender;
  if (sender?._state !== SENDER_IDLE || sender._queue?.length !== 0) return null;
  const tcp = ws._socket;
  return tcp?.writable ? tcp : null;
}
