import {
  boardRoom,
  ErrorCode,
  ProtocolError,
  validateJoinRequest,
  validateLeaveRequest,
} from '@drawbridge/protocol';
import type { Grant } from '../auth/BoardAccess.js';
import { Deadline } from '../flow/Deadline.js';
import type { BoardRoom } from '../rooms/BoardRoom.js';
import { NO_ANSWER, storageError } from '../rooms/storageError.js';
import {
  type AnyAck,
  boardIdOf,
  type DrawbridgeSocket,
  type HandlerDeps,
  inbound,
  isAck,
  reportError,
  type SocketListener,
  toErrorPayload,
} from './context.js';
import { leaveBoard, notJoined } from './membership.js';

const ignore = () => undefined;

/**
 * `board:join` and `board:leave`, and leaving every board on disconnect: listeners shared by
 * every socket.
 */
export function boardHandlers(deps: HandlerDeps): {
  'board:join': SocketListener;
  'board:leave': SocketListener;
  leaveAll: (socket: DrawbridgeSocket) => void;
} {
  return {
    'board:join'(...args) {
      void onJoin(deps, this, args);
    },
    'board:leave'(...args) {
      onLeave(deps, this, args);
    },
    leaveAll(socket) {
      for (const boardId of socket.data.boards.ids()) leaveBoard(deps, socket, boardId);
    },
  };
}

function onJoin(deps: HandlerDeps, socket: DrawbridgeSocket, args: unknown[]): Promise<void> {
  const { input, ack } = inbound(args);
  return joinBoard(deps, socket, input, ack);
}

/**
 * Validates a join request and joins: `board:join`'s handler, and a join made on connect
 * (connectJoin.ts). The result goes to `ack` (as `board:error` without one).
 */
export async function joinBoard(
  deps: HandlerDeps,
  socket: DrawbridgeSocket,
  input: unknown,
  ack: AnyAck | undefined,
): Promise<void> {
  const valid = validateJoinRequest(input, deps.limits);
  if (!valid.ok) return reportError(deps, socket, ack, valid.error, boardIdOf(input));
  const { boardId, stateVector, acceptUnstored } = valid.value;
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
    const token = valid.value.token ?? handshakeToken(socket, deps.limits.maxTokenLength);
    const grant = await deps.authorize({ boardId, token });
    // Storage gets one wait for the whole join: its answer comes before the client's timeout.
    const deadline = new Deadline(deps.limits.storageWaitMs);
    // A link is checked before its board is loaded for it, so a revoked one (a deleted board's
    // included) loads nothing; it is checked again below, once the socket is a member.
    if (grant.link && !deps.rooms.get(boardId)) await confirmBeforeLoad(deps, grant, deadline);
    const acquiring = deps.rooms.acquire(boardId);
    const room = await deadline.within(acquiring, NO_ANSWER).catch((error: unknown) => {
      if (error instanceof ProtocolError) throw error;
      // A load that ends after this join gave up on it holds a board nobody joined.
      acquiring.then(() => deps.rooms.releaseIfIdle(boardId), ignore);
      return storageError('the board could not be loaded', error);
    });
    if (socket.disconnected) {
      deps.rooms.releaseIfIdle(boardId);
      return;
    }
    // A member from here on, so the board cannot be unloaded while this join waits, and a
    // revocation pushed from now on finds the socket. One already on it resyncs.
    const member = room.hasMember(socket.id);
    const previous = boards.get(boardId);
    room.addMember(socket.id);
    boards.set(boardId, grant);
    socket.data.removed?.delete(boardId);
    const confirmed = await deadline
      .within(deps.confirm(grant), NO_ANSWER)
      .catch((error: unknown) => {
        // Revocations cannot be read now: a member that resyncs with the link it was confirmed
        // with keeps that grant until they can (a revocation meanwhile reaches it by its push,
        // else at its first resync after; PROTOCOL.md §4.1).
        const resync = member && acceptUnstored && previous && sameLink(previous, grant);
        if (resync && !(error instanceof ProtocolError)) return previous;
        if (boards.get(boardId) === grant) leaveBoard(deps, socket, boardId);
        if (error instanceof ProtocolError) throw error;
        return storageError('the link could not be checked', error);
      });
    assertStillMember(deps, socket, boardId, grant, room);
    boards.set(boardId, confirmed);
    await socket.join(boardRoom(boardId));
    const state = await room
      .sync(stateVector, { acceptUnstored, member, deadline })
      .catch((error: unknown) => {
        leaveBoard(deps, socket, boardId);
        return storageError('the board could not be stored', error);
      });
    if (socket.disconnected) return; // the disconnect handler has cleaned up
    // Many large answers at once go out over several turns, not in one long burst.
    await deps.joinAnswers.take(state.update.byteLength);
    if (socket.disconnected) return;
    assertStillMember(deps, socket, boardId, confirmed, room);
    deps.metrics.bytesOut.inc(state.update.byteLength + state.awareness.byteLength);
    if (isAck(ack)) ack({ ok: true, role: confirmed.role, ...state });
  } catch (error) {
    reportError(
      deps,
      socket,
      ack,
      toErrorPayload(deps, error, { boardId, socket: socket.id }),
      boardId,
    );
  }
}

function onLeave(deps: HandlerDeps, socket: DrawbridgeSocket, args: unknown[]): void {
  const { input, ack } = inbound(args);
  const valid = validateLeaveRequest(input);
  if (!valid.ok) {
    reportError(deps, socket, ack, valid.error, boardIdOf(input));
    return;
  }
  leaveBoard(deps, socket, valid.value.boardId);
  if (isAck(ack)) ack({ ok: true });
}

/** The link's revocations, read before a join loads its board: throws when it is revoked. */
async function confirmBeforeLoad(deps: HandlerDeps, grant: Grant, deadline: Deadline) {
  await deadline.within(deps.confirm(grant), NO_ANSWER).catch((error: unknown) => {
    if (error instanceof ProtocolError) throw error;
    return storageError('the link could not be checked', error);
  });
}

/** Whether two grants are the same link's (or both of an open board) with the same role. */
function sameLink(a: Grant, b: Grant): boolean {
  if (a.role !== b.role) return false;
  if (!a.link || !b.link) return a.link === b.link;
  return a.link.id === b.link.id && a.link.scope === b.link.scope;
}

/** The handshake's `auth.token`, held to the same length limit as a join's. */
function handshakeToken(socket: DrawbridgeSocket, maxLength: number): string | undefined {
  const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof token !== 'string') return undefined;
  if (token.length > maxLength)
    throw new ProtocolError(ErrorCode.PAYLOAD_TOO_LARGE, 'token is too long');
  return token;
}

/**
 * After a wait inside a join: the socket must still hold the board with this grant, and the
 * board must still be this room. The server may have removed the socket meanwhile (a revocation
 * or deletion pushed during the join), or dropped the board (a member keeps a board loaded, so
 * only a deletion or shutdown does), or the client left.
 */
function assertStillMember(
  deps: HandlerDeps,
  socket: DrawbridgeSocket,
  boardId: string,
  grant: Grant,
  room: BoardRoom,
): void {
  if (socket.data.boards.get(boardId) !== grant) throw notJoined(socket, boardId);
  if (deps.rooms.get(boardId) === room) return;
  leaveBoard(deps, socket, boardId);
  if (deps.isShuttingDown()) {
    throw new ProtocolError(ErrorCode.SHUTTING_DOWN, 'the server is restarting');
  }
  throw new ProtocolError(ErrorCode.BOARD_DELETED, 'the board was deleted');
}
