import type { Clock } from '../clock.js';
import type { InboundScheduler } from '../flow/InboundScheduler.js';
import { slimHandshake } from '../http/connectionMemory.js';
import { compactListeners } from '../http/listenerTables.js';
import { awarenessHandlers } from './awarenessHandlers.js';
import { boardHandlers } from './boardHandlers.js';
import { connectJoinOf, joinOnConnect } from './connectJoin.js';
import type { DrawbridgeSocket, HandlerDeps } from './context.js';
import { takeTurn } from './fairness.js';
import { JoinedBoards } from './JoinedBoards.js';
import { RateLimit } from './rateLimit.js';
import { syncHandlers } from './syncHandlers.js';

/**
 * What every new socket gets: its data, one gate for its inbound events (its turn in the
 * scheduler, then its rate limit) and the event listeners. The listeners are made once and
 * shared by every socket (Socket.IO calls them with the socket as `this`); per connection
 * there is only the gate's closure and its rate bucket, so an idle connection costs little
 * beyond Socket.IO's own state.
 */
export function connectionHandler(
  deps: HandlerDeps,
  inbound: InboundScheduler,
  clock: Clock,
): (socket: DrawbridgeSocket) => void {
  const rateLimit = new RateLimit(deps, clock);
  const board = boardHandlers(deps);
  const sync = syncHandlers(deps);
  const awareness = awarenessHandlers(deps);
  function onDisconnect(this: DrawbridgeSocket): void {
    deps.metrics.connections.dec();
    inbound.forget(this.id);
    board.leaveAll(this);
  }
  return (socket) => {
    socket.data.boards = new JoinedBoards();
    // Read before the handshake is slimmed: the slim one keeps only the token of `auth`.
    const join = connectJoinOf(socket);
    slimHandshake(socket);
    deps.metrics.connections.inc();
    socket.on('disconnect', onDisconnect);
    const bucket = rateLimit.bucket();
    socket.use((packet, next) =>
      takeTurn(inbound, socket, () => {
        if (rateLimit.admit(socket, bucket, packet)) next();
      }),
    );
    socket.on('board:join', board['board:join']);
    socket.on('board:leave', board['board:leave']);
    socket.on('doc:update', sync['doc:update']);
    socket.on('awareness:update', awareness['awareness:update']);
    compactListeners(socket);
    if (join !== undefined) {
      bucket.take(); // a join on connect is an inbound event like any other
      joinOnConnect(deps, socket, join);
    }
  };
}
