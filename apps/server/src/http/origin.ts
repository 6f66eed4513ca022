import type { IncomingMessage } from 'node:http';

/**
 * The handshake's Origin check. Socket.IO's `cors` option only sets response headers; a
 * browser on a foreign page could still open a WebSocket. This refuses it at the handshake.
 *
 * Allowed: no Origin header (non-browser clients), the server's own origin (same host), and
 * every origin on the list (`*` allows all).
 */
export function createOriginCheck(allowedOrigins: readonly string[]) {
  const allowAll = allowedOrigins.includes('*');
  const allowed = new Set(allowedOrigins.map((origin) => origin.toLowerCase()));
  return (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    if (origin === undefined || allowAll) return true;
    if (allowed.has(origin.toLowerCase())) return true;
    try {
      return new URL(origin).host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
    } catch {
      return false;
    }
  };
}
