import {
  type AckResult,
  type ClientToServerEvents,
  ErrorCode,
  type ErrorPayload,
  type Limits,
  ProtocolError,
  type ServerToClientEvents,
} from '@drawbridge/protocol';
import type { Server, Socket } from 'socket.io';
import type { Grant } from '../auth/BoardAccess.js';
import type { InterServerEvents } from '../cluster/interServer.js';
import type { TurnBudget } from '../flow/TurnBudget.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { RoomManager } from '../rooms/RoomManager.js';
import type { JoinedBoards } from './JoinedBoards.js';
import type { StorageErrorLog } from './StorageErrorLog.js';

/** What the server keeps per socket (`socket.data`). */
export interface SocketData {
  /** Boards this socket has joined, with what its token granted on each. */
  boards: JoinedBoards;
  /**
   * Boards the server removed this socket from (a revoked link, a deleted board), and why.
   * Made on the first removal: most connections never have one.
   */
  removed?: Map<string, ErrorCode>;
}

export type DrawbridgeServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type DrawbridgeSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

/**
 * Decides what a joining socket's token grants on a board, without storage (signature, expiry,
 * board); throws ProtocolError (UNAUTHORIZED, TOKEN_EXPIRED, FORBIDDEN) to refuse. The token is
 * the join's, else the handshake's `auth.token`.
 */
export type Authorize = (request: { boardId: string; token: string | undefined }) => Promise<Grant>;

export interface HandlerDeps {
  io: DrawbridgeServer;
  rooms: RoomManager;
  limits: Limits;
  logger: Logger;
  metrics: Metrics;
  authorize: Authorize;
  /** Bytes of join answers sent per event-loop turn. */
  joinAnswers: TurnBudget;
  /**
   * Checks a grant against storage (revocations), once the socket is a member, so that a
   * revocation stored after this read is pushed to this node and finds the socket there.
   * Throws ProtocolError(LINK_REVOKED); answers the grant with its exact mint time.
   */
  confirm: (grant: Grant) => Promise<Grant>;
  /** True once shutdown began: new joins and updates are refused with SHUTTING_DOWN. */
  isShuttingDown: () => boolean;
  /** Where storage failures answered to clients are logged, throttled. */
  storageErrors: StorageErrorLog;
}

/**
 * An event listener shared by every socket of a server (no closure per connection): Socket.IO
 * calls it with the socket as `this`.
 */
export type SocketListener = (this: DrawbridgeSocket, ...args: unknown[]) => void;

export type AnyAck = (result: AckResult<Record<string, unknown>>) => void;

export const isAck = (value: unknown): value is AnyAck => typeof value === 'function';

/**
 * The payload and ack of an inbound event, whatever the client sent: Socket.IO passes the ack
 * as the last argument, so `emit(event, ack)` (no payload) or extra arguments must not turn the
 * ack into the payload and leave the client waiting.
 */
export function inbound(args: unknown[]): { input: unknown; ack: AnyAck | undefined } {
  const last = args.at(-1);
  if (isAck(last)) return { input: args.length > 1 ? args[0] : undefined, ack: last };
  return { input: args[0], ack: undefined };
}

/** The board id of a payload that failed validation, when it is safe to echo back. */
export const boardIdOf = (input: unknown): string | undefined => {
  const id = (input as { boardId?: unknown } | null)?.boardId;
  return typeof id === 'string' && id.length <= 64 ? id : undefined;
};

/**
 * Reports a failed request: through the ack when the client sent one, else as `board:error`.
 * Counts it by code.
 */
export function reportError(
  deps: HandlerDeps,
  socket: DrawbridgeSocket,
  ack: unknown,
  error: ErrorPayload,
  boardId?: string,
): void {
  deps.metrics.errors.inc({ code: error.code });
  if (isAck(ack)) ack({ ok: false, error });
  else socket.emit('board:error', { ...(boardId ? { boardId } : {}), ...error });
}

/** Turns anything thrown at the message boundary into a wire error, logging the unexpected. */
export function toErrorPayload(
  deps: HandlerDeps,
  error: unknown,
  context: Record<string, unknown>,
): ErrorPayload {
  if (error instanceof ProtocolError) {
    // A storage failure is logged with its cause (throttled); a refusal for memory is logged
    // where it is made.
    if (error.code === ErrorCode.STORAGE_ERROR && error.cause !== undefined)
      deps.storageErrors.report(context, error.cause);
    return error.toPayload();
  }
  deps.logger.error({ ...context, err: error }, 'unexpected error in handler');
  return { code: ErrorCode.INTERNAL_ERROR, message: 'internal error' };
}
