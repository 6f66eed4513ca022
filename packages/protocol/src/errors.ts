/**
 * Every error the server reports, in acks (`{ ok: false, error: { code, message } }`) and in
 * `board:error`. `retryable` tells a client whether the same request may succeed later.
 */
export const ErrorCode = {
  /** The payload is not an object of the documented shape (wrong types, missing fields). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** `boardId` does not match `^[A-Za-z0-9_-]{1,64}$`. */
  INVALID_BOARD_ID: 'INVALID_BOARD_ID',
  /** The client speaks a protocol version this server does not. */
  UNSUPPORTED_PROTOCOL: 'UNSUPPORTED_PROTOCOL',
  /** `doc:update` / `awareness:update` for a board the socket has not joined. */
  NOT_JOINED: 'NOT_JOINED',
  /** The message is larger than the server's message limit. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** Bytes that are not a well-formed Yjs update, state vector or awareness update. */
  INVALID_UPDATE: 'INVALID_UPDATE',
  /** A well-formed update that depends on content the server does not have. Rejoin to resync. */
  MISSING_DEPENDENCIES: 'MISSING_DEPENDENCIES',
  /** The board would grow past the server's board limit. */
  BOARD_TOO_LARGE: 'BOARD_TOO_LARGE',
  /** The socket has joined as many boards as it may. */
  TOO_MANY_BOARDS: 'TOO_MANY_BOARDS',
  /** The socket sends faster than the server's message rate limit. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The token is missing, malformed, tampered with, expired or for another board. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** The token has expired: ask for a new link. */
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  /**
   * The link (token) was revoked. Refuses a join; also pushed as `board:error` to a connection
   * on the board when its link is revoked: the server has then removed it from the board.
   */
  LINK_REVOKED: 'LINK_REVOKED',
  /** The board was deleted; pushed as `board:error`: the server has removed the connection. */
  BOARD_DELETED: 'BOARD_DELETED',
  /** The socket's role does not allow this (a viewer's `doc:update`, another client's awareness). */
  FORBIDDEN: 'FORBIDDEN',
  /** The board could not be loaded or the update could not be stored. Try again later. */
  STORAGE_ERROR: 'STORAGE_ERROR',
  /** The server is shutting down. Reconnect and try again. */
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  /** Anything else. The server logged it. */
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const RETRYABLE: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.MISSING_DEPENDENCIES,
  ErrorCode.RATE_LIMITED,
  ErrorCode.STORAGE_ERROR,
  ErrorCode.SHUTTING_DOWN,
  ErrorCode.INTERNAL_ERROR,
]);

/** True when repeating the request later (after a rejoin, for MISSING_DEPENDENCIES) may succeed. */
export const isRetryable = (code: ErrorCode): boolean => RETRYABLE.has(code);

/**
 * Codes that, in a `board:error`, mean the server removed the connection from the board: it
 * receives nothing more for it, and a rejoin would be refused.
 */
export const REMOVAL_CODES: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.LINK_REVOKED,
  ErrorCode.BOARD_DELETED,
]);

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.hasOwn(ErrorCode, value);

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

/** An error that carries its wire code; thrown inside the server and the client. */
export class ProtocolError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProtocolError';
    this.code = code;
  }
  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}
