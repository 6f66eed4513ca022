import type { FlowControl, InboundScheduler } from '../flow/InboundScheduler.js';
import type { DrawbridgeSocket } from './context.js';

/** The WebSocket under a connection, when it is on that transport (ws can pause reading). */
function webSocketOf(socket: DrawbridgeSocket): { pause?: () => void; resume?: () => void } | null {
  const transport = socket.conn.transport as unknown as { name?: string; socket?: unknown };
  return transport.name === 'websocket' && transport.socket
    ? (transport.socket as { pause?: () => void; resume?: () => void })
    : null;
}

/** Made when a message arrives, not kept per connection: idle connections cost nothing here. */
const flowOf = (socket: DrawbridgeSocket): FlowControl => ({
  pause: () => webSocketOf(socket)?.pause?.(),
  resume: () => webSocketOf(socket)?.resume?.(),
});

/**
 * Socket middleware, first in line: every inbound event waits its turn in the shared
 * scheduler, so a connection's burst is handled a few messages at a time between everyone
 * else's. A long-polling connection cannot be paused (its payloads arrive whole and are
 * bounded by maxHttpBufferSize); a WebSocket stops being read while its queue is long.
 */
export function installFairness(scheduler: InboundScheduler, socket: DrawbridgeSocket): void {
  socket.use((_packet, next) => scheduler.enqueue(socket.id, flowOf(socket), () => next()));
}
