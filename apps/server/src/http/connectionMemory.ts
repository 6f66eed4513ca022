import type { Socket } from 'socket.io';
import { webSocketOf } from './engineTransport.js';

/**
 * What Engine.IO leaves behind on every WebSocket it accepted, that nothing uses once the
 * connection is up:
 *
 * - a `close` listener on the TCP socket, put there by the stand-in response it builds for HTTP
 *   middlewares (`io.engine.use`, which Drawbridge has none of). Its closure holds the upgrade
 *   request, headers, raw headers and stream state: about 1.3 KB per idle connection;
 * - a no-op `error` listener (`onUpgradeError`) on the WebSocket, which the transport's own
 *   error handling has superseded (Engine.IO removes it itself on an upgrade from polling).
 *
 * Both are found by what they are, and left alone when not found (another Engine.IO version):
 * then the request stays, as it would without this.
 */
export function releaseUpgradeRequest(transport: unknown): void {
  const ws = webSocketOf(transport);
  if (!ws) return;
  for (const listener of ws.listeners?.('error') ?? []) {
    if ((listener as { name?: string }).name === 'onUpgradeError') ws.off?.('error', listener);
  }
  const tcp = ws._socket;
  for (const listener of (tcp?.listeners('close') ?? []) as Listener[]) {
    if (Function.prototype.toString.call(listener) === RESPONSE_CLOSE) tcp?.off('close', listener);
  }
}

type Listener = (...args: unknown[]) => void;

/** Engine.IO's `WebSocketResponse`: `socket.once("close", () => this.emit("close"))`. */
const RESPONSE_CLOSE = '() => this.emit("close")';

/** What `slimHandshake` needs of a Socket.IO socket (its handshake, which the typings make readonly). */
interface WithHandshake {
  handshake: Handshake;
}

type Handshake = Socket['handshake'];

const NO_HEADERS: Handshake['headers'] = Object.freeze({});
const NO_QUERY: Handshake['query'] = Object.freeze({});

/**
 * Socket.IO keeps a connection's handshake for the connection's whole life: every request header
 * (a browser sends one to three kilobytes of them: cookies, user agent, accept-*), the parsed
 * query, the URL and a date string. Once connected, Drawbridge reads only `auth` (the token;
 * a join made on connect was read before this runs); the headers were checked when the
 * handshake was allowed. So the handshake keeps `auth` (without `join`), `address`, `issued`,
 * `secure` and `xdomain`; headers and query become empty, URL and time empty strings.
 */
export function slimHandshake(socket: Socket): void {
  const { address, xdomain, secure, issued, auth } = socket.handshake;
  (socket as unknown as WithHandshake).handshake = {
    headers: NO_HEADERS,
    time: '',
    address,
    xdomain,
    secure,
    issued,
    url: '',
    query: NO_QUERY,
    auth: withoutJoin(auth),
  };
}

/** `auth` without a join made on connect (its state vector may be 64 KiB), once it was read. */
function withoutJoin(auth: Handshake['auth']): Handshake['auth'] {
  if (auth === null || typeof auth !== 'object' || !('join' in auth)) return auth;
  const { join: _join, ...rest } = auth as Record<string, unknown>;
  return rest;
}
