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
