/** Version of the wire protocol described in PROTOCOL.md. A client sends it in `board:join`. */
export const PROTOCOL_VERSION = 1 as const;
export type ProtocolVersion = typeof PROTOCOL_VERSION;

/** Board ids are URL-safe and short: they appear in links and in Socket.IO room names. */
export const BOARD_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Socket.IO room that carries one board's traffic. */
export const boardRoom = (boardId: string): string => `board:${boardId}`;

/**
 * Default limits. Every one is configurable on the server; these are the values a server
 * uses when nothing is set, and what a client may assume.
 */
export const DEFAULT_LIMITS = {
  /** Largest Yjs update (bytes) in one `doc:update`, and largest join diff a client may send. */
  maxMessageBytes: 16 * 1024 * 1024,
  /** Largest stored size (bytes) of one board. Updates that would grow a board past it are refused. */
  maxBoardBytes: 16 * 1024 * 1024,
  /** Largest awareness update (bytes). */
  maxAwarenessBytes: 64 * 1024,
  /** Boards one socket may have joined at once. */
  maxBoardsPerSocket: 16,
  /** Sustained messages per second per socket (token bucket, burst = 2x). */
  maxMessagesPerSecond: 200,
  /** Awareness client ids one socket may own on one board. */
  maxAwarenessClientsPerSocket: 4,
  /** Largest state vector (bytes) in a `board:join`. */
  maxStateVectorBytes: 64 * 1024,
  /** Longest token (characters) in a `board:join`. */
  maxTokenLength: 4096,
  /**
   * Longest time (ms) a join's answer or an update's ack waits on storage. Past it, an update is
   * answered `STORAGE_ERROR` (not stored yet) and a join `unstored` or `STORAGE_ERROR` (§4):
   * a client hears from a server whose storage hangs before its `ACK_TIMEOUT_MS`.
   */
  storageWaitMs: 4000,
} as const;

export type Limits = { -readonly [K in keyof typeof DEFAULT_LIMITS]: number };

/** How long a client waits for an ack before it treats the request as lost. */
export const ACK_TIMEOUT_MS = 10_000;
