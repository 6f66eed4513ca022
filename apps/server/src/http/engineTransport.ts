import type { Duplex } from 'node:stream';

type Listener = (...args: unknown[]) => void;

/** What Drawbridge uses of ws's WebSocket under an Engine.IO transport. */
export interface WebSocketUnder {
  pause?(): void;
  resume?(): void;
  listeners?(event: 'error'): Listener[];
  off?(event: 'error', listener: Listener): void;
  /** Its TCP socket. */
  _socket?: Duplex;
  /** Its frame parser (`largeFrames.ts`). */
  _receiver?: object;
}

/**
 * The ws WebSocket under an Engine.IO transport, when the transport is a WebSocket (long
 * polling has none). Engine.IO's typings do not expose it: this is the one place that reaches
 * for it, for backpressure, batched writes and the memory an idle connection keeps.
 */
export function webSocketOf(transport: unknown): WebSocketUnder | null {
  const t = transport as { name?: string; socket?: WebSocketUnder } | null | undefined;
  return t?.name === 'websocket' && t.socket ? t.socket : null;
}

/** The TCP socket under an Engine.IO WebSocket transport. */
export function tcpOf(transport: unknown): Duplex | undefined {
  return webSocketOf(transport)?._socket;
}
