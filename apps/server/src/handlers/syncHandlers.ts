import { ErrorCode, ProtocolError, Role, validateDocUpdate } from '@drawbridge/protocol';
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

/** `doc:update`'s listener, shared by every socket. */
export function syncHandlers(deps: HandlerDeps): { 'doc:update': SocketListener } {
  return {
    'doc:update'(...args) {
      void onDocUpdate(deps, this, args);
    },
  };
}

/** `doc:update`: validate, apply to the board's own doc, relay what it integrated, ack once stored. */
async function onDocUpdate(
  deps: HandlerDeps,
  socket: DrawbridgeSocket,
  args: unknown[],
): Promise<void> {
  const { input, ack } = inbound(args);
  deps.metrics.countIn('doc:update');
  const valid = validateDocUpdate(input, deps.limits);
  if (!valid.ok) return reportError(deps, socket, ack, valid.error, boardIdOf(input));
  const { boardId, update, scan } = valid.value;
  deps.metrics.countBytesIn(update.byteLength);
  try {
    const role = socket.data.boards.get(boardId)?.role;
    const room = deps.rooms.get(boardId);
    if (role === undefined || !room?.hasMember(socket.id)) {
      throw notJoined(socket, boardId);
    }
    if (deps.isShuttingDown()) {
      throw new ProtocolError(ErrorCode.SHUTTING_DOWN, 'the server is restarting');
    }
    if (role !== Role.EDITOR) {
      throw new ProtocolError(ErrorCode.FORBIDDEN, 'viewers cannot change the board');
    }
    // A board still filling its document (answered a cold join) takes changes once whole.
    if (room.loading) await room.whenReady();
    await room.applyUpdate(update, scan, socket.id).durable;
    if (isAck(ack)) ack({ ok: true });
  } catch (error) {
    const payload = toErrorPayload(deps, error, { boardId, socket: socket.id });
    reportError(deps, socket, ack, payload, boardId);
  }
}
