import type { Duplex } from 'node:stream';
import type { FlowControl, InboundScheduler } from '../flow/InboundScheduler.js';
import { webSocketOf } from '../http/engineTransport.js';
import type { DrawbridgeSocket } from './context.js';

/** The WebSocket under a connection, when it is on that transport (ws can pause reading). */
const webSocketOfConnection = (socket: DrawbridgeSocket) => webSocketOf(socket.conn.transport);

/**
 * Made when a message arrives, not kept per connection: idle connections cost nothing here.
 * Corking holds the TCP socket under the WebSocket (the one it was on when corked, so an
 * upgrade in between cannot unbalance it).
 */
function flowOf(socket: DrawbridgeSocket): FlowControl {
  let corked: Duplex | undefined;
  return {
    pause: () => webSocketOfConnection(socket)?.pause?.(),
    resume: () => webSocketOfConnection(socket)?.resume?.(),
    cork: () => {
      corked = webSocketOfConnection(socket)?._socket;
      corked?.cork();
    },
    uncork: () => {
      corked?.uncork();
      corked = undefined;
    },
  };
}

/**
 * First in line for every inbound event: it waits its turn in the shared scheduler, so a
 * connection's burst is handled a few messages at a time between everyone else's. A
 * long-polling connection cannot be paused (its payloads arrive whole and are bounded by
 * maxHttpBufferSize); a WebSocket stops being read while its queue is long, and what a slice
 * answers it is written at the slice's end, in one syscall.
 */
export function takeTurn(
  scheduler: InboundScheduler,
  socket: DrawbridgeSocket,
  handle: () => void,
): void {
  scheduler.enqueue(socket.id, flowOf(socket), handle);
}
