import {
  type AckResult,
  type ClientToServerEvents,
  ErrorCode,
  type ErrorPayload,
  type InterServerEvents,
  type Limits,
  ProtocolError,
  type Role,
  type ServerToClientEvents,
  type SocketData,
} from '@drawbridge/protocol';
import type { Server, Socket } from 'socket.io';
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../logger.js';
import type { RoomManager } from '../rooms/RoomManager.js';

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

/** Decides a joining socket's role on a board; throws ProtocolError(UNAUTHORIZED) to refuse. */
export type Authorize = (request: {
  boardId: string;
  token: string | undefined;
  socket: DrawbridgeSocket;
}) => Promise<Role>;

export interface HandlerDeps {
  io: DrawbridgeServer;
  rooms: RoomManager;
  limits: Limits;
  logger: Logger;
  metrics: Metrics;
  authorize: Authorize;
  /** True once shutdown began: new joins and updates are refused with SHUTTING_DOWN. */
  isShuttingDown: () => boolean;
}

type AnyAck = (result: AckResult<never>) => void;

export const isAck = (value: unknown): value is AnyAck => typeof value === 'function';

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
    if (error.code === ErrorCode.STORAGE_ERROR) deps.logger.error({ ...context, err: error.cause });
    return error.toPayload();
  }
  deps.logger.error({ ...context, err: error }, 'unexpected error in handler');
  return { code: ErrorCode.INTERNAL_ERROR, message: 'internal error' };
}

/** Recipients of a relay on this node: the board's room minus the sender. */
export function relayFanout(deps: HandlerDeps, room: string): number {
  return Math.max(0, (deps.io.sockets.adapter.rooms.get(room)?.size ?? 1) - 1);
}
