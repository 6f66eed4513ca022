import { ErrorCode, ProtocolError, Role, validateDocUpdate } from '@drawbridge/protocol';
import {
  boardIdOf,
  type DrawbridgeSocket,
  type HandlerDeps,
  inbound,
  isAck,
  reportError,
  toErrorPayload,
} from './context.js';
import { notJoined } from './membership.js';

/** `doc:update`: validate, apply to the board's own doc, relay what it integrated, ack once stored. */
export function registerSyncHandlers(deps: HandlerDeps, socket: DrawbridgeSocket): void {
  socket.on('doc:update', async (...args: unknown[]) => {
    const { input, ack } = inbound(args);
    deps.metrics.updatesIn.inc({ event: 'doc:update' });
    const valid = validateDocUpdate(input, deps.limits);
    if (!valid.ok) return reportError(deps, socket, ack, valid.error, boardIdOf(input));
    const { boardId, update, scan } = valid.value;
    deps.metrics.bytesIn.inc(update.byteLength);
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
      await room.applyUpdate(update, scan, socket.id).durable;
      if (isAck(ack)) ack({ ok: true });
    } catch (error) {
      const payload = toErrorPayload(deps, error, { boardId, socket: socket.id });
      reportError(deps, socket, ack, payload, boardId);
    }
  });
}
