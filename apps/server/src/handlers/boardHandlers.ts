import {
  boardRoom,
  ErrorCode,
  ProtocolError,
  validateJoinRequest,
  validateLeaveRequest,
} from '@drawbridge/protocol';
import {
  boardIdOf,
  type DrawbridgeSocket,
  type HandlerDeps,
  inbound,
  isAck,
  reportError,
  toErrorPayload,
} from './context.js';

/** `board:join` and `board:leave`, and leaving every board on disconnect. */
export function registerBoardHandlers(deps: HandlerDeps, socket: DrawbridgeSocket): void {
  socket.on('board:join', async (...args: unknown[]) => {
    const { input, ack } = inbound(args);
    const valid = validateJoinRequest(input, deps.limits);
    if (!valid.ok) return reportError(deps, socket, ack, valid.error, boardIdOf(input));
    const { boardId, token, stateVector } = valid.value;
    const boards = socket.data.boards;
    try {
      if (!boards.has(boardId) && boards.size >= deps.limits.maxBoardsPerSocket) {
        throw new ProtocolError(
          ErrorCode.TOO_MANY_BOARDS,
          `a connection may join at most ${deps.limits.maxBoardsPerSocket} boards`,
        );
      }
      if (deps.isShuttingDown()) {
        throw new ProtocolError(ErrorCode.SHUTTING_DOWN, 'the server is restarting');
      }
      const role = await deps.authorize({ boardId, token, socket });
      const room = await deps.rooms.acquire(boardId).catch((error: unknown) => {
        throw new ProtocolError(ErrorCode.STORAGE_ERROR, 'the board could not be loaded', {
          cause: error,
        });
      });
      if (socket.disconnected) {
        deps.rooms.releaseIfIdle(boardId);
        return;
      }
      // A member from here on, so the board cannot be unloaded while this join waits.
      room.addMember(socket.id);
      boards.set(boardId, role);
      await socket.join(boardRoom(boardId));
      const state = await room.sync(stateVector).catch((error: unknown) => {
        leave(deps, socket, boardId);
        throw new ProtocolError(ErrorCode.STORAGE_ERROR, 'the board could not be stored', {
          cause: error,
        });
      });
      if (socket.disconnected) return; // the disconnect handler has cleaned up
      // Many large answers at once go out over several turns, not in one long burst.
      await deps.joinAnswers.take(state.update.byteLength);
      if (socket.disconnected) return;
      deps.metrics.bytesOut.inc(state.update.byteLength + state.awareness.byteLength);
      if (isAck(ack)) ack({ ok: true, role, ...state });
    } catch (error) {
      reportError(
        deps,
        socket,
        ack,
        toErrorPayload(deps, error, { boardId, socket: socket.id }),
        boardId,
      );
    }
  });

  socket.on('board:leave', (...args: unknown[]) => {
    const { input, ack } = inbound(args);
    const valid = validateLeaveRequest(input);
    if (!valid.ok) return reportError(deps, socket, ack, valid.error, boardIdOf(input));
    leave(deps, socket, valid.value.boardId);
    if (isAck(ack)) ack({ ok: true });
  });

  socket.on('disconnect', () => {
    for (const boardId of [...socket.data.boards.keys()]) leave(deps, socket, boardId);
  });
}

function leave(deps: HandlerDeps, socket: DrawbridgeSocket, boardId: string): void {
  if (!socket.data.boards.delete(boardId)) return;
  const name = boardRoom(boardId);
  void socket.leave(name);
  const room = deps.rooms.get(boardId);
  if (!room) return;
  room.removeMember(socket.id);
  deps.rooms.releaseIfIdle(boardId);
}
