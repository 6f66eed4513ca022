import { describe, expectTypeOf, it } from 'vitest';
import { DEFAULT_LIMITS, type Limits, PROTOCOL_VERSION } from './constants.js';
import { ErrorCode, type ErrorPayload } from './errors.js';
import type {
  ClientEvent,
  ClientToServerEvents,
  ServerEvent,
  ServerToClientEvents,
} from './events.js';
import type {
  Ack,
  AckResult,
  AwarenessUpdate,
  BoardError,
  BoardJoined,
  DocUpdate,
  JoinRequest,
  JoinResult,
  LeaveRequest,
} from './payloads.js';
import { Role } from './payloads.js';
import {
  type ValidAwarenessUpdate,
  type Validation,
  type ValidDocUpdate,
  type ValidJoinRequest,
  validateAwarenessUpdate,
  validateDocUpdate,
  validateJoinRequest,
  validateLeaveRequest,
} from './validate.js';

declare const joinResult: AckResult<JoinResult>;
declare const plainResult: AckResult;

describe('AckResult', () => {
  it('narrows on ok', () => {
    if (joinResult.ok) {
      expectTypeOf(joinResult.role).toEqualTypeOf<Role>();
      expectTypeOf(joinResult.update).toEqualTypeOf<Uint8Array>();
      expectTypeOf(joinResult.stateVector).toEqualTypeOf<Uint8Array>();
      expectTypeOf(joinResult.awareness).toEqualTypeOf<Uint8Array>();
      // @ts-expect-error a success carries no error
      joinResult.error;
    } else {
      expectTypeOf(joinResult.error).toEqualTypeOf<ErrorPayload>();
      expectTypeOf(joinResult.error.code).toEqualTypeOf<ErrorCode>();
      // @ts-expect-error a failure carries no result
      joinResult.role;
    }
  });

  it('has exactly two shapes', () => {
    expectTypeOf(joinResult.ok).toEqualTypeOf<boolean>();
    expectTypeOf<Extract<AckResult<JoinResult>, { ok: false }>>().toEqualTypeOf<{
      ok: false;
      error: ErrorPayload;
    }>();
    expectTypeOf<Extract<AckResult<JoinResult>, { ok: true }>>().toEqualTypeOf<
      { ok: true } & JoinResult
    >();
    if (plainResult.ok) expectTypeOf(plainResult).toEqualTypeOf<{ ok: true } & object>();
  });

  it('an Ack takes an AckResult', () => {
    expectTypeOf<Ack<JoinResult>>().parameters.toEqualTypeOf<[AckResult<JoinResult>]>();
    expectTypeOf<Ack<JoinResult>>().returns.toEqualTypeOf<void>();
  });
});

describe('ErrorCode', () => {
  it('the union equals the values of the object', () => {
    expectTypeOf<ErrorCode>().toEqualTypeOf<(typeof ErrorCode)[keyof typeof ErrorCode]>();
    expectTypeOf<ErrorCode>().toEqualTypeOf<
      | 'BAD_REQUEST'
      | 'INVALID_BOARD_ID'
      | 'UNSUPPORTED_PROTOCOL'
      | 'NOT_JOINED'
      | 'PAYLOAD_TOO_LARGE'
      | 'INVALID_UPDATE'
      | 'MISSING_DEPENDENCIES'
      | 'BOARD_TOO_LARGE'
      | 'TOO_MANY_BOARDS'
      | 'RATE_LIMITED'
      | 'UNAUTHORIZED'
      | 'TOKEN_EXPIRED'
      | 'LINK_REVOKED'
      | 'BOARD_DELETED'
      | 'FORBIDDEN'
      | 'STORAGE_ERROR'
      | 'SHUTTING_DOWN'
      | 'INTERNAL_ERROR'
    >();
    // The object maps every code to itself, and nothing else.
    expectTypeOf<typeof ErrorCode>().toEqualTypeOf<{ readonly [K in ErrorCode]: K }>();
    expectTypeOf(ErrorCode.MISSING_DEPENDENCIES).toEqualTypeOf<'MISSING_DEPENDENCIES'>();
  });
});

describe('Role', () => {
  it("is 'editor' | 'viewer'", () => {
    expectTypeOf<Role>().toEqualTypeOf<'editor' | 'viewer'>();
    expectTypeOf(Role.EDITOR).toEqualTypeOf<'editor'>();
    expectTypeOf(Role.VIEWER).toEqualTypeOf<'viewer'>();
  });
});

describe('event maps', () => {
  it('board:join takes a JoinRequest and a required Ack<JoinResult>', () => {
    expectTypeOf<ClientToServerEvents['board:join']>().parameters.toEqualTypeOf<
      [JoinRequest, Ack<JoinResult>]
    >();
    expectTypeOf<JoinRequest>().toEqualTypeOf<{
      boardId: string;
      protocol: number;
      stateVector: Uint8Array;
      token?: string;
      acceptUnstored?: boolean;
    }>();
  });

  it('doc:update needs an ack; board:leave and awareness:update take an optional one', () => {
    expectTypeOf<ClientToServerEvents['doc:update']>().parameters.toEqualTypeOf<[DocUpdate, Ack]>();
    expectTypeOf<ClientToServerEvents['board:leave']>().parameters.toEqualTypeOf<
      [LeaveRequest, Ack?]
    >();
    expectTypeOf<ClientToServerEvents['awareness:update']>().parameters.toEqualTypeOf<
      [AwarenessUpdate, Ack?]
    >();
  });

  it('server events carry one payload and no ack', () => {
    expectTypeOf<ServerToClientEvents['doc:update']>().parameters.toEqualTypeOf<[DocUpdate]>();
    expectTypeOf<ServerToClientEvents['awareness:update']>().parameters.toEqualTypeOf<
      [AwarenessUpdate]
    >();
    expectTypeOf<ServerToClientEvents['board:error']>().parameters.toEqualTypeOf<[BoardError]>();
    expectTypeOf<BoardError>().toEqualTypeOf<{
      boardId?: string;
      code: ErrorCode;
      message: string;
    }>();
    expectTypeOf<ServerToClientEvents['board:joined']>().parameters.toEqualTypeOf<[BoardJoined]>();
    expectTypeOf<BoardJoined>().toEqualTypeOf<{ boardId?: string } & AckResult<JoinResult>>();
  });

  it('the event name constants are exactly the keys of the maps', () => {
    expectTypeOf<(typeof ClientEvent)[keyof typeof ClientEvent]>().toEqualTypeOf<
      keyof ClientToServerEvents
    >();
    expectTypeOf<(typeof ServerEvent)[keyof typeof ServerEvent]>().toEqualTypeOf<
      keyof ServerToClientEvents
    >();
  });
});

describe('Validation', () => {
  it('narrows on ok', () => {
    const result = validateJoinRequest({}, DEFAULT_LIMITS);
    expectTypeOf(result).toEqualTypeOf<Validation<ValidJoinRequest>>();
    if (result.ok) {
      expectTypeOf(result.value).toEqualTypeOf<ValidJoinRequest>();
      expectTypeOf(result.value.state).toEqualTypeOf<Map<number, number>>();
      // @ts-expect-error no error on success
      result.error;
    } else {
      expectTypeOf(result.error).toEqualTypeOf<ErrorPayload>();
      // @ts-expect-error no value on failure
      result.value;
    }
    // @ts-expect-error the value is only there after narrowing
    result.value;
  });

  it('each validator returns the matching Validation', () => {
    expectTypeOf(validateLeaveRequest).returns.toEqualTypeOf<Validation<LeaveRequest>>();
    expectTypeOf(validateDocUpdate).returns.toEqualTypeOf<Validation<ValidDocUpdate>>();
    expectTypeOf(validateAwarenessUpdate).returns.toEqualTypeOf<Validation<ValidAwarenessUpdate>>();
    expectTypeOf(validateDocUpdate).parameter(1).toEqualTypeOf<Limits>();
  });

  it('the protocol version is the literal 1', () => {
    expectTypeOf(PROTOCOL_VERSION).toEqualTypeOf<1>();
  });
});
