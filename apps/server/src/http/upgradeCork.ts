import type { Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { tcpOf } from './engineTransport.js';

/**
 * A WebSocket connection's first bytes are two writes: ws's `101 Switching Protocols`, then
 * Engine.IO's OPEN packet once its handshake (which awaits the session id) has made the
 * session. Corking the TCP socket from the upgrade until the session exists sends both in one
 * syscall, and the client reads them at once: a connect costs the server one write (and the
 * client one wakeup) fewer.
 *
 * `corkUpgrades` corks every upgrading socket; `uncorkUpgrade` is called when the session is
 * open. Whatever happens in between (a refused upgrade, a handshake that fails), the socket is
 * uncorked at the end of the event loop's turn at the latest: `end()` flushes and `destroy()`
 * discards as usual.
 */
const corked = new Set<Duplex>();

export function corkUpgrades(server: HttpServer): void {
  server.prependListener('upgrade', corkForHandshake);
}

/** Sends what the upgrade wrote so far (the 101 and the OPEN packet), if it was corked here. */
export function uncorkUpgrade(socket: Duplex | undefined): void {
  if (socket && corked.delete(socket)) socket.uncork();
}

/** `uncorkUpgrade` for an Engine.IO connection's transport (a no-op but on WebSocket). */
export function uncorkOpenedTransport(transport: unknown): void {
  uncorkUpgrade(tcpOf(transport));
}

function corkForHandshake(_req: unknown, socket: Duplex): void {
  socket.cork();
  corked.add(socket);
  setImmediate(uncorkUpgrade, socket);
}
