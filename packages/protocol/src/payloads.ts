import type { ErrorCode, ErrorPayload } from './errors.js';

export const Role = { EDITOR: 'editor', VIEWER: 'viewer' } as const;
export type Role = (typeof Role)[keyof typeof Role];

/** Every ack answers either `{ ok: true, ...result }` or `{ ok: false, error }`. */
export type AckResult<T extends object = object> =
  | ({ ok: true } & T)
  | { ok: false; error: ErrorPayload };
export type Ack<T extends object = object> = (result: AckResult<T>) => void;

export interface JoinRequest {
  boardId: string;
  protocol: number;
  /** The client's Yjs state vector (`Y.encodeStateVector(doc)`); empty document: `[0]`. */
  stateVector: Uint8Array;
  token?: string;
  /**
   * The client can stay on the board while it cannot store changes (PROTOCOL.md §4.1): the join
   * is then answered with `unstored: true` instead of refused with `STORAGE_ERROR`.
   */
  acceptUnstored?: boolean;
}

export interface JoinResult {
  role: Role;
  /** What the client lacks: `Y.encodeStateAsUpdate(serverDoc, request.stateVector)`. */
  update: Uint8Array;
  /** The server's state vector; the client answers with `Y.encodeStateAsUpdate(doc, stateVector)`. */
  stateVector: Uint8Array;
  /** Every current awareness state of the board (y-protocols awareness encoding). */
  awareness: Uint8Array;
  /**
   * Present when the board holds changes storage refused (a full disk): `update` and
   * `stateVector` then describe what it holds in memory, and the client's unsaved changes are
   * not saved by this join (PROTOCOL.md §4.1).
   */
  unstored?: true;
}

export interface LeaveRequest {
  boardId: string;
}

/** A Yjs v1 update for one board, in either direction. */
export interface DocUpdate {
  boardId: string;
  update: Uint8Array;
}

/** A y-protocols awareness update for one board, in either direction. */
export interface AwarenessUpdate {
  boardId: string;
  update: Uint8Array;
}

/**
 * The `auth` map of a Socket.IO CONNECT (PROTOCOL.md §2.3). `join` joins a board as part of the
 * connection: the server answers it with a `board:joined` event right after its CONNECT answer,
 * a round trip sooner than a `board:join` sent after connecting.
 */
export interface ConnectAuth {
  token?: string;
  join?: JoinRequest;
}

/**
 * The answer to a join made on connect (`ConnectAuth.join`): the `board:join` ack's result, with
 * the board's id (always on success; on failure when the request named a valid-looking one).
 */
export type BoardJoined = { boardId?: string } & AckResult<JoinResult>;

export interface BoardError {
  boardId?: string;
  code: ErrorCode;
  message: string;
}
