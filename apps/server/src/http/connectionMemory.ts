/**
 * Engine.IO leaves a no-op `error` listener (`onUpgradeError`) on the TCP socket of every
 * WebSocket it accepted; its closure holds the upgrade request (headers and all) for the life of
 * the connection. Once the connection is up, ws has its own error handling on that socket, so
 * the listener can go, and the request with it: about a kilobyte per idle connection.
 */
export function releaseUpgradeRequest(transport: unknown): void {
  const t = transport as { name?: string; socket?: { _socket?: NodeJS.EventEmitter } } | undefined;
  const tcp = t?.name === 'websocket' ? t.socket?._socket : undefined;
  if (!tcp) return;
  for (const listener of tcp.listeners('error')) {
    if ((listener as { name?: string }).name === 'onUpgradeError') {
      tcp.off('error', listener as (...args: unknown[]) => void);
    }
  }
}
