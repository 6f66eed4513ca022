import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';

/** Bytes handed to the socket at a time. */
const PIECE_BYTES = 256 * 1024;

/**
 * Answers with `data` straight on the node response, a piece at a time, each written when the
 * socket has taken the last: no copy of it (a Fetch `Response` copies its body), and no one
 * write of megabytes holding the event loop while the kernel copies it. Returns what a Hono
 * handler returns when it has answered on its own.
 */
export function sendBytes(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  data: Uint8Array,
): typeof RESPONSE_ALREADY_SENT {
  outgoing.writeHead(status, { ...headers, 'content-length': data.byteLength });
  if (incoming.method === 'HEAD') {
    outgoing.end();
    return RESPONSE_ALREADY_SENT;
  }
  let offset = 0;
  const next = () => {
    while (offset < data.byteLength && !outgoing.destroyed) {
      const piece = data.subarray(offset, offset + PIECE_BYTES);
      offset += piece.byteLength;
      if (offset >= data.byteLength) {
        outgoing.end(piece);
        return;
      }
      if (!outgoing.write(piece)) {
        outgoing.once('drain', next);
        return;
      }
    }
  };
  next();
  return RESPONSE_ALREADY_SENT;
}
