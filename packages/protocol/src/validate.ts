/**
 * Runtime validators for every inbound payload. Types are not validation: a Socket.IO handler
 * receives whatever the peer sent, so each handler runs one of these first and trusts the
 * result's type afterwards. All are pure functions.
 */
import { BOARD_ID_PATTERN, type Limits, PROTOCOL_VERSION } from './constants.js';
import { ErrorCode, type ErrorPayload } from './errors.js';
import type { JoinRequest, LeaveRequest } from './payloads.js';
import {
  type AwarenessEntry,
  BinaryFormatError,
  type ScannedUpdate,
  scanAwarenessUpdate,
  scanStateVector,
  scanUpdate,
} from './yjsBinary.js';

export type Validation<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

const invalid = (code: ErrorCode, message: string): { ok: false; error: ErrorPayload } => ({
  ok: false,
  error: { code, message },
});

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Binary fields may arrive as `Uint8Array`, Node `Buffer` or `ArrayBuffer`, depending on the
 * peer's runtime and parser. Returns a `Uint8Array` over the same bytes, or null.
 */
export function toBytes(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return null;
}

export const isValidBoardId = (value: unknown): value is string =>
  typeof value === 'string' && BOARD_ID_PATTERN.test(value);

type Checked<T> = Validation<T>;

function checkBoardId(input: Record<string, unknown>): Checked<string> {
  const { boardId } = input;
  if (typeof boardId !== 'string')
    return invalid(ErrorCode.BAD_REQUEST, 'boardId must be a string');
  if (!BOARD_ID_PATTERN.test(boardId)) {
    return invalid(ErrorCode.INVALID_BOARD_ID, 'boardId must match ^[A-Za-z0-9_-]{1,64}$');
  }
  return { ok: true, value: boardId };
}

function checkBytes(value: unknown, field: string, maxBytes: number): Checked<Uint8Array> {
  const bytes = toBytes(value);
  if (!bytes) return invalid(ErrorCode.BAD_REQUEST, `${field} must be binary (Uint8Array)`);
  if (bytes.byteLength > maxBytes) {
    return invalid(
      ErrorCode.PAYLOAD_TOO_LARGE,
      `${field} is ${bytes.byteLength} bytes; the limit is ${maxBytes}`,
    );
  }
  if (bytes.byteLength === 0) return invalid(ErrorCode.INVALID_UPDATE, `${field} is empty`);
  return { ok: true, value: bytes };
}

function scan<T>(bytes: Uint8Array, what: string, scanner: (b: Uint8Array) => T): Checked<T> {
  try {
    return { ok: true, value: scanner(bytes) };
  } catch (error) {
    if (error instanceof BinaryFormatError) {
      return invalid(ErrorCode.INVALID_UPDATE, `${what}: ${error.message}`);
    }
    throw error;
  }
}

export interface ValidJoinRequest extends JoinRequest {
  /** The decoded state vector (client -> clock). */
  state: Map<number, number>;
}

export function validateJoinRequest(input: unknown, limits: Limits): Validation<ValidJoinRequest> {
  if (!isRecord(input)) return invalid(ErrorCode.BAD_REQUEST, 'board:join expects an object');
  const boardId = checkBoardId(input);
  if (!boardId.ok) return boardId;
  if (input.protocol !== PROTOCOL_VERSION) {
    return invalid(
      ErrorCode.UNSUPPORTED_PROTOCOL,
      `protocol must be ${PROTOCOL_VERSION}; got ${String(input.protocol)}`,
    );
  }
  const token = input.token;
  if (token !== undefined && token !== null) {
    if (typeof token !== 'string') return invalid(ErrorCode.BAD_REQUEST, 'token must be a string');
    if (token.length > limits.maxTokenLength) {
      return invalid(ErrorCode.PAYLOAD_TOO_LARGE, 'token is too long');
    }
  }
  const acceptUnstored = input.acceptUnstored;
  if (
    acceptUnstored !== undefined &&
    acceptUnstored !== null &&
    typeof acceptUnstored !== 'boolean'
  ) {
    return invalid(ErrorCode.BAD_REQUEST, 'acceptUnstored must be a boolean');
  }
  const bytes = checkBytes(input.stateVector, 'stateVector', limits.maxStateVectorBytes);
  if (!bytes.ok) return bytes;
  const state = scan(bytes.value, 'stateVector', scanStateVector);
  if (!state.ok) return state;
  return {
    ok: true,
    value: {
      boardId: boardId.value,
      protocol: PROTOCOL_VERSION,
      stateVector: bytes.value,
      state: state.value,
      ...(typeof token === 'string' ? { token } : {}),
      ...(acceptUnstored === true ? { acceptUnstored } : {}),
    },
  };
}

export function validateLeaveRequest(input: unknown): Validation<LeaveRequest> {
  if (!isRecord(input)) return invalid(ErrorCode.BAD_REQUEST, 'board:leave expects an object');
  const boardId = checkBoardId(input);
  if (!boardId.ok) return boardId;
  return { ok: true, value: { boardId: boardId.value } };
}

export interface ValidDocUpdate {
  boardId: string;
  update: Uint8Array;
  scan: ScannedUpdate;
}

/** Shape, size and full structural scan of a `doc:update`. Dependencies are checked by the board. */
export function validateDocUpdate(input: unknown, limits: Limits): Validation<ValidDocUpdate> {
  const envelope = validateDocUpdateEnvelope(input, limits);
  if (!envelope.ok) return envelope;
  const { boardId, update } = envelope.value;
  const scanned = scanDocUpdate(update);
  if (!scanned.ok) return scanned;
  return { ok: true, value: { boardId, update, scan: scanned.value } };
}

/** The full structural scan of a `doc:update`'s bytes (`validateDocUpdate` without the envelope). */
export const scanDocUpdate = (update: Uint8Array): Validation<ScannedUpdate> =>
  scan(update, 'update', scanUpdate);

/**
 * Shape and size of a `doc:update`, its bytes not yet scanned: a server scans a large one off
 * its event loop, and must refuse what fails the scan as `validateDocUpdate` would
 * (`invalidUpdate`).
 */
export function validateDocUpdateEnvelope(
  input: unknown,
  limits: Limits,
): Validation<Omit<ValidDocUpdate, 'scan'>> {
  if (!isRecord(input)) return invalid(ErrorCode.BAD_REQUEST, 'doc:update expects an object');
  const boardId = checkBoardId(input);
  if (!boardId.ok) return boardId;
  const bytes = checkBytes(input.update, 'update', limits.maxMessageBytes);
  if (!bytes.ok) return bytes;
  return { ok: true, value: { boardId: boardId.value, update: bytes.value } };
}

/** The refusal of an update whose scan failed with `message` (a BinaryFormatError's). */
export const invalidUpdate = (message: string) =>
  invalid(ErrorCode.INVALID_UPDATE, `update: ${message}`);

export interface ValidAwarenessUpdate {
  boardId: string;
  update: Uint8Array;
  entries: AwarenessEntry[];
}

export function validateAwarenessUpdate(
  input: unknown,
  limits: Limits,
): Validation<ValidAwarenessUpdate> {
  if (!isRecord(input)) {
    return invalid(ErrorCode.BAD_REQUEST, 'awareness:update expects an object');
  }
  const boardId = checkBoardId(input);
  if (!boardId.ok) return boardId;
  const bytes = checkBytes(input.update, 'update', limits.maxAwarenessBytes);
  if (!bytes.ok) return bytes;
  const entries = scan(bytes.value, 'awareness update', scanAwarenessUpdate);
  if (!entries.ok) return entries;
  return {
    ok: true,
    value: { boardId: boardId.value, update: bytes.value, entries: entries.value },
  };
}
