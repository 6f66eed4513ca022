import { tcpOf } from './engineTransport.js';

/**
 * Engine.IO's WebSocket transport sends the packets that queued while its previous write was in
 * flight as a batch, one `ws.send` each, and ws writes every frame with a syscall of its own.
 * Under load (a burst relayed to a reader, the acks of a pipelining client) that is one writev
 * per packet, the largest cost of a busy server. Corking the TCP socket for the batch writes it
 * with one writev; frames, order and write callbacks are unchanged.
 */
interface WebSocketTransport {
  send(packets: unknown[]): void;
}

/** Shared by every transport (no closure per connection); calls the class's own `send`. */
function corkedSend(this: WebSocketTransport, packets: unknown[]): void {
  const send = (Object.getPrototypeOf(this) as WebSocketTransport).send;
  const tcp = tcpOf(this);
  if (!tcp || packets.length < 2) {
    send.call(this, packets);
    return;
  }
  tcp.cork();
  try {
    send.call(this, packets);
  } finally {
    tcp.uncork();
  }
}

/** Batches a WebSocket transport's writes; leaves any other transport alone. */
export function corkWebSocketBatches(transport: unknown): void {
  const tcp = tcpOf(transport);
  if (typeof tcp?.cork !== 'function') return;
  const t = transport as WebSocketTransport;
  if (typeof t.send === 'function') t.send = corkedSend;
}
