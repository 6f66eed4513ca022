import { validateAwarenessUpdate } from '@drawbridge/protocol';
import {
  boardIdOf,
  type DrawbridgeSocket,
  type HandlerDeps,
  inbound,
  isAck,
  reportError,
  type SocketListener,
  toErrorPayload,
} from './context.js';
import { notJoined } from './membership.js';

/** `awareness:update`'s listener, shared by every socket. */
export function awarenessHandlers(deps: HandlerDeps): { 'awareness:update': SocketListener } {
  return {
    'awareness:update'(...args) {
      onAwarenessUpdate(deps, this, args);
    },
  };
}

/** `awareness:update`: members (viewers too) may set the awareness client ids they own. */
function onAwarenessUpdate(deps: HandlerDeps, socket: DrawbridgeSocket, args: unknown[]): void {
  const { input, ack } = inbound(args);
  deps.metrics.countIn('awareness:update');
  const valid = validateAwarenessUpdate(input, deps.limits);
  if (!valid.ok) {
    reportError(deps, socket, ack, valid.error, boardIdOf(input));
    return;
  }
  const { boardId, update, entries } = valid.value;
  deps.metrics.countBytesIn(update.byteLength);
  try {
    const room = deps.rooms.get(boardId);
    if (!socket.data.boards.has(boardId) || !room?.hasMember(socket.id)) {
      throw notJoined(socket, boardId);
    }
    room.applyAwareness(update, entries, socket.id);
    if (isAck(ack)) ack({ ok: true });
  } catch (error) {
    const payload = toErrorPayload(deps, error, { boardId, socket: socket.id });
    reportError(deps, socket, ack, payload, boardId);
  }
}
