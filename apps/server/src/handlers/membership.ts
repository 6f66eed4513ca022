import { boardRoom, ErrorCode, ProtocolError } from '@drawbridge/protocol';
import type { DrawbridgeSocket, HandlerDeps } from './context.js';

/** Takes the socket off the board: its room membership, its presence, and the board if idle. */
export function leaveBoard(
  deps: Pick<HandlerDeps, 'rooms'>,
  socket: DrawbridgeSocket,
  boardId: string,
): void {
  if (!socket.data.boards.delete(boardId)) return;
  void socket.leave(boardRoom(boardId));
  const room = deps.rooms.get(boardId);
  if (!room) return;
  room.removeMember(socket.id);
  deps.rooms.releaseIfIdle(boardId);
}

/**
 * The server removes the socket from the board (its link was revoked, the board was deleted):
 * it is told why with `board:error`, then leaves in the same turn, so no later change of the
 * board reaches it. Its later requests on the board are answered with the same code.
 */
export function removeFromBoard(
  deps: Pick<HandlerDeps, 'rooms' | 'metrics'>,
  socket: DrawbridgeSocket,
  boardId: string,
  code: ErrorCode,
  message: string,
): void {
  socket.data.removed ??= new Map();
  socket.data.removed.set(boardId, code);
  socket.emit('board:error', { boardId, code, message });
  deps.metrics.errors.inc({ code });
  leaveBoard(deps, socket, boardId);
}

/**
 * The error for a request on a board the socket is not on: why the server removed it, if it
 * did (so a late request does not hide the reason), else NOT_JOINED.
 */
export function notJoined(socket: DrawbridgeSocket, boardId: string): ProtocolError {
  const removed = socket.data.removed?.get(boardId);
  if (removed) return new ProtocolError(removed, `removed from board ${boardId}`);
  return new ProtocolError(ErrorCode.NOT_JOINED, `join board ${boardId} first`);
}
