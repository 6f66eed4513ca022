import type { IncomingMessage } from 'node:http';

/**
 * The handshake's Origin check. Socket.IO's `cors` option only sets response headers; a
 * browser on a foreign page could still open a WebSocket. This refuses it at the handshake.
 *
 * Allowed: no Origin header (non-browser clients), the server's own origin (same host, default
 * ports normalised), and every origin on the list (`*` allows all; PUBLIC_URL's origin is on it).
 */
export function createOriginCheck(allowedOrigins: readonly string[]) {
  const allowAll = allowedOrigins.includes('*');
  const allowed = new Set(allowedOrigins.map((origin) => origin.toLowerCase()));
  return (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    if (origin === undefined || allowAll) return true;
    if (allowed.has(origin.toLowerCase())) return true;
    try {
      const page = new URL(origin);
      // Parsed with the page's scheme, so `host:443` behind a TLS proxy equals `host`.
      const served = new URL(`${page.protocol}//${req.headers.host ?? ''}`);
      return page.host.toLowerCase() === served.host.toLowerCase();
    } catch {
      return false;
    }
  };
}
