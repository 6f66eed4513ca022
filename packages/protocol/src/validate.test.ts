import { describe, expect, it } from 'vitest';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { DEFAULT_LIMITS, type Limits, PROTOCOL_VERSION } from './constants.js';
import { ErrorCode } from './errors.js';
import {
  isValidBoardId,
  toBytes,
  type Validation,
  validateAwarenessUpdate,
  validateDocUpdate,
  validateJoinRequest,
  validateLeaveRequest,
} from './validate.js';

// -- Real Yjs inputs --------------------------------------------------------------------------

const doc = new Y.Doc();
doc.clientID = 42;
doc.getText('t').insert(0, 'hello');
const UPDATE = Y.encodeStateAsUpdate(doc);
const STATE_VECTOR = Y.encodeStateVector(doc);
const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc()); // [0]

const awareness = new Awareness(doc);
awareness.setLocalState({ user: { name: 'Ada' } });
const AWARENESS = encodeAwarenessUpdate(awareness, [doc.clientID]);
awareness.destroy();

/** The same bytes as a Uint8Array, a Node Buffer (a view into a larger pool) and an ArrayBuffer. */
const binaryForms = (bytes: Uint8Array): [string, unknown][] => [
  ['Uint8Array', Uint8Array.from(bytes)],
  ['Buffer', Buffer.from(bytes)],
  ['ArrayBuffer', Uint8Array.from(bytes).buffer],
  ['Uint8Array view into a larger buffer', new Uint8Array([9, 9, ...bytes, 9]).subarray(2, -1)],
];

const BAD_BOARD_IDS: [string, unknown][] = [
  ['empty', ''],
  ['65 characters', 'a'.repeat(65)],
  ['a path', '../x'],
  ['a slash', 'a/b'],
  ['unicode', 'tafel-ü'],
  ['an emoji', 'board😀'],
  ['a space', 'my board'],
  ['a trailing newline', 'board\n'],
  ['a dot', 'a.b'],
];

const NON_OBJECTS: [string, unknown][] = [
  ['null', null],
  ['undefined', undefined],
  ['a string', 'board'],
  ['an array', [{ boardId: 'b' }]],
  ['a number', 5],
  ['a boolean', true],
  ['binary', new Uint8Array([1])],
];

const small = (overrides: Partial<Limits>): Limits => ({ ...DEFAULT_LIMITS, ...overrides });

const expectError = <T>(result: Validation<T>, code: ErrorCode, message?: RegExp): void => {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe(code);
  expect(typeof result.error.message).toBe('string');
  if (message) expect(result.error.message).toMatch(message);
};

const expectOk = <T>(result: Validation<T>): T => {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
};

// ---------------------------------------------------------------------------------------------

describe('isValidBoardId', () => {
  it('accepts 1 to 64 URL-safe characters', () => {
    for (const id of ['a', 'A-z_0-9', 'x'.repeat(64), '-', '_', 'Board-2024_01']) {
      expect(isValidBoardId(id)).toBe(true);
    }
  });
  it('refuses everything else', () => {
    for (const [, id] of BAD_BOARD_IDS) expect(isValidBoardId(id)).toBe(false);
    for (const id of [null, undefined, 5, {}, ['a']]) expect(isValidBoardId(id)).toBe(false);
  });
});

describe('toBytes', () => {
  it('returns a Uint8Array over the same bytes for Uint8Array, Buffer and ArrayBuffer', () => {
    for (const [, value] of binaryForms(UPDATE)) {
      const bytes = toBytes(value);
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(Array.from(bytes!)).toEqual(Array.from(UPDATE));
    }
  });
  it('returns null for anything else', () => {
    for (const value of [null, undefined, 'abc', [1, 2], { 0: 1, length: 1 }, new Uint16Array(2)]) {
      expect(toBytes(value)).toBeNull();
    }
    expect(toBytes(new DataView(new ArrayBuffer(2)))).toBeNull();
  });
});

describe('validateJoinRequest', () => {
  const good = { boardId: 'board-1', protocol: PROTOCOL_VERSION, stateVector: STATE_VECTOR };

  it('accepts a good request with every binary form of the state vector', () => {
    for (const [form, stateVector] of binaryForms(STATE_VECTOR)) {
      const value = expectOk(validateJoinRequest({ ...good, stateVector }, DEFAULT_LIMITS));
      expect(value.boardId, form).toBe('board-1');
      expect(value.protocol).toBe(PROTOCOL_VERSION);
      expect(value.stateVector).toBeInstanceOf(Uint8Array);
      expect(Array.from(value.stateVector)).toEqual(Array.from(STATE_VECTOR));
      expect(value.state).toEqual(new Map([[42, 5]]));
      expect('token' in value).toBe(false);
    }
  });

  it('accepts the empty document state vector and an optional token', () => {
    const value = expectOk(
      validateJoinRequest(
        { ...good, stateVector: EMPTY_STATE_VECTOR, token: 'cap.abc' },
        DEFAULT_LIMITS,
      ),
    );
    expect(value.state.size).toBe(0);
    expect(value.token).toBe('cap.abc');
    // A token sent as null or undefined is treated as absent (MessagePack has no undefined).
    for (const token of [null, undefined]) {
      expect('token' in expectOk(validateJoinRequest({ ...good, token }, DEFAULT_LIMITS))).toBe(
        false,
      );
    }
  });

  it('copies only known fields', () => {
    const value = expectOk(validateJoinRequest({ ...good, extra: 'x' }, DEFAULT_LIMITS));
    expect(Object.keys(value).sort()).toEqual(['boardId', 'protocol', 'state', 'stateVector']);
  });

  it('keeps acceptUnstored only when true; false and nil count as absent', () => {
    expect(
      expectOk(validateJoinRequest({ ...good, acceptUnstored: true }, DEFAULT_LIMITS))
        .acceptUnstored,
    ).toBe(true);
    for (const acceptUnstored of [false, null, undefined]) {
      const value = expectOk(validateJoinRequest({ ...good, acceptUnstored }, DEFAULT_LIMITS));
      expect('acceptUnstored' in value).toBe(false);
    }
  });

  it('refuses non-object payloads with BAD_REQUEST', () => {
    for (const [, input] of NON_OBJECTS) {
      expectError(validateJoinRequest(input, DEFAULT_LIMITS), ErrorCode.BAD_REQUEST);
    }
  });

  it('refuses missing or ill-typed fields with BAD_REQUEST', () => {
    const { boardId: _b, ...noBoard } = good;
    const { stateVector: _s, ...noStateVector } = good;
    const cases: unknown[] = [
      noBoard,
      { ...good, boardId: 5 },
      { ...good, boardId: null },
      noStateVector,
      { ...good, stateVector: [0] },
      { ...good, stateVector: 'AA==' },
      { ...good, stateVector: null },
      { ...good, stateVector: new Uint16Array([0]) },
      { ...good, token: 5 },
      { ...good, token: { value: 'x' } },
      { ...good, acceptUnstored: 1 },
      { ...good, acceptUnstored: 'true' },
    ];
    for (const input of cases) {
      expectError(validateJoinRequest(input, DEFAULT_LIMITS), ErrorCode.BAD_REQUEST);
    }
  });

  it('refuses invalid board ids with INVALID_BOARD_ID', () => {
    for (const [, boardId] of BAD_BOARD_IDS) {
      expectError(
        validateJoinRequest({ ...good, boardId }, DEFAULT_LIMITS),
        ErrorCode.INVALID_BOARD_ID,
      );
    }
  });

  it('refuses other protocol versions with UNSUPPORTED_PROTOCOL', () => {
    const { protocol: _p, ...noProtocol } = good;
    for (const protocol of [0, 2, '1', 1.5, null, [1]]) {
      expectError(
        validateJoinRequest({ ...good, protocol }, DEFAULT_LIMITS),
        ErrorCode.UNSUPPORTED_PROTOCOL,
        /protocol must be 1/,
      );
    }
    expectError(validateJoinRequest(noProtocol, DEFAULT_LIMITS), ErrorCode.UNSUPPORTED_PROTOCOL);
  });

  it('refuses an oversize state vector or token with PAYLOAD_TOO_LARGE', () => {
    const limits = small({ maxStateVectorBytes: STATE_VECTOR.length - 1, maxTokenLength: 8 });
    expectError(validateJoinRequest(good, limits), ErrorCode.PAYLOAD_TOO_LARGE, /limit is/);
    const roomy = small({ maxStateVectorBytes: STATE_VECTOR.length, maxTokenLength: 8 });
    expectOk(validateJoinRequest({ ...good, token: 'x'.repeat(8) }, roomy));
    expectError(
      validateJoinRequest({ ...good, token: 'x'.repeat(9) }, roomy),
      ErrorCode.PAYLOAD_TOO_LARGE,
      /token/,
    );
    expectError(
      validateJoinRequest(
        { ...good, token: 'x'.repeat(DEFAULT_LIMITS.maxTokenLength + 1) },
        DEFAULT_LIMITS,
      ),
      ErrorCode.PAYLOAD_TOO_LARGE,
    );
  });

  it('refuses an empty or malformed state vector with INVALID_UPDATE', () => {
    for (const stateVector of [
      new Uint8Array(0),
      Uint8Array.from([1]), // one entry, no bytes for it
      Uint8Array.from([1, 42]), // clock missing
      Uint8Array.from([0, 0]), // trailing byte
      Uint8Array.from([2, 1, 1, 1, 2]), // client 1 twice
      Uint8Array.from([0xff, 0xff, 0xff, 0x7f]), // claims 268 million entries
    ]) {
      expectError(
        validateJoinRequest({ ...good, stateVector }, DEFAULT_LIMITS),
        ErrorCode.INVALID_UPDATE,
        /stateVector/,
      );
    }
  });
});

describe('validateLeaveRequest', () => {
  it('accepts a good request and copies only the board id', () => {
    expect(validateLeaveRequest({ boardId: 'b_1', extra: true })).toEqual({
      ok: true,
      value: { boardId: 'b_1' },
    });
  });
  it('refuses non-objects and a missing or ill-typed board id with BAD_REQUEST', () => {
    for (const [, input] of NON_OBJECTS) {
      expectError(validateLeaveRequest(input), ErrorCode.BAD_REQUEST);
    }
    for (const input of [{}, { boardId: 1 }, { boardId: ['b'] }]) {
      expectError(validateLeaveRequest(input), ErrorCode.BAD_REQUEST);
    }
  });
  it('refuses invalid board ids with INVALID_BOARD_ID', () => {
    for (const [, boardId] of BAD_BOARD_IDS) {
      expectError(validateLeaveRequest({ boardId }), ErrorCode.INVALID_BOARD_ID);
    }
  });
});

/** doc:update and awareness:update share their shape: `{ boardId, update }`. */
const updateValidators: {
  name: string;
  validate: (input: unknown, limits: Limits) => Validation<{ boardId: string; update: Uint8Array }>;
  bytes: Uint8Array;
  limit: 'maxMessageBytes' | 'maxAwarenessBytes';
}[] = [
  {
    name: 'validateDocUpdate',
    validate: validateDocUpdate,
    bytes: UPDATE,
    limit: 'maxMessageBytes',
  },
  {
    name: 'validateAwarenessUpdate',
    validate: validateAwarenessUpdate,
    bytes: AWARENESS,
    limit: 'maxAwarenessBytes',
  },
];

for (const { name, validate, bytes, limit } of updateValidators) {
  describe(name, () => {
    it('accepts every binary form of a real update', () => {
      for (const [form, update] of binaryForms(bytes)) {
        const value = expectOk(validate({ boardId: 'b', update }, DEFAULT_LIMITS));
        expect(value.boardId, form).toBe('b');
        expect(value.update).toBeInstanceOf(Uint8Array);
        expect(Array.from(value.update)).toEqual(Array.from(bytes));
      }
    });

    it('refuses non-object payloads and missing or ill-typed fields with BAD_REQUEST', () => {
      for (const [, input] of NON_OBJECTS) {
        expectError(validate(input, DEFAULT_LIMITS), ErrorCode.BAD_REQUEST);
      }
      for (const input of [
        { update: bytes },
        { boardId: 7, update: bytes },
        { boardId: 'b' },
        { boardId: 'b', update: Array.from(bytes) },
        { boardId: 'b', update: 'AAAA' },
        { boardId: 'b', update: null },
        { boardId: 'b', update: { 0: 0, length: 1 } },
      ]) {
        expectError(validate(input, DEFAULT_LIMITS), ErrorCode.BAD_REQUEST);
      }
    });

    it('refuses invalid board ids with INVALID_BOARD_ID', () => {
      for (const [, boardId] of BAD_BOARD_IDS) {
        expectError(
          validate({ boardId, update: bytes }, DEFAULT_LIMITS),
          ErrorCode.INVALID_BOARD_ID,
        );
      }
    });

    it(`refuses updates larger than ${limit} with PAYLOAD_TOO_LARGE`, () => {
      expectOk(validate({ boardId: 'b', update: bytes }, small({ [limit]: bytes.length })));
      for (const [, update] of binaryForms(bytes)) {
        expectError(
          validate({ boardId: 'b', update }, small({ [limit]: bytes.length - 1 })),
          ErrorCode.PAYLOAD_TOO_LARGE,
          new RegExp(`${bytes.length} bytes; the limit is ${bytes.length - 1}`),
        );
      }
      // The size is checked before the bytes are scanned.
      const garbage = new Uint8Array(64).fill(0xff);
      expectError(
        validate({ boardId: 'b', update: garbage }, small({ [limit]: 63 })),
        ErrorCode.PAYLOAD_TOO_LARGE,
      );
    });

    it('refuses empty and malformed bytes with INVALID_UPDATE', () => {
      expectError(
        validate({ boardId: 'b', update: new Uint8Array(0) }, DEFAULT_LIMITS),
        ErrorCode.INVALID_UPDATE,
        /empty/,
      );
      expectError(
        validate({ boardId: 'b', update: new ArrayBuffer(0) }, DEFAULT_LIMITS),
        ErrorCode.INVALID_UPDATE,
      );
      for (const update of [
        bytes.subarray(0, bytes.length - 1),
        Uint8Array.from([...bytes, 0]),
        new Uint8Array(16).fill(0xff),
      ]) {
        expectError(validate({ boardId: 'b', update }, DEFAULT_LIMITS), ErrorCode.INVALID_UPDATE);
      }
    });
  });
}

describe('validateDocUpdate specifics', () => {
  it('returns the scan of the update', () => {
    const value = expectOk(validateDocUpdate({ boardId: 'b', update: UPDATE }, DEFAULT_LIMITS));
    expect(value.scan.structs).toMatchObject([{ client: 42, start: 0, end: 5 }]);
  });

  it('refuses Skip structs (merged non-contiguous updates) with INVALID_UPDATE', () => {
    const d = new Y.Doc();
    const updates: Uint8Array[] = [];
    d.on('update', (u: Uint8Array) => updates.push(u));
    for (const char of 'abc') d.getText('t').insert(d.getText('t').length, char);
    const merged = Y.mergeUpdates([updates[0]!, updates[2]!]);
    expectError(
      validateDocUpdate({ boardId: 'b', update: merged }, DEFAULT_LIMITS),
      ErrorCode.INVALID_UPDATE,
      /^update: .*skips/,
    );
  });

  it('does not judge dependencies (the board does)', () => {
    const d = new Y.Doc();
    const updates: Uint8Array[] = [];
    d.getText('t').insert(0, 'a');
    d.on('update', (u: Uint8Array) => updates.push(u));
    d.getText('t').insert(1, 'b');
    expectOk(validateDocUpdate({ boardId: 'b', update: updates[0] }, DEFAULT_LIMITS));
  });
});

describe('validateAwarenessUpdate specifics', () => {
  it('returns the decoded entries', () => {
    const value = expectOk(
      validateAwarenessUpdate({ boardId: 'b', update: AWARENESS }, DEFAULT_LIMITS),
    );
    expect(value.entries).toEqual([
      { clientID: 42, clock: expect.any(Number), state: { user: { name: 'Ada' } } },
    ]);
  });

  it('refuses states that are not objects with INVALID_UPDATE', () => {
    // One entry: client 1, clock 1, JSON "5".
    const update = Uint8Array.from([1, 1, 1, 1, '5'.charCodeAt(0)]);
    expectError(
      validateAwarenessUpdate({ boardId: 'b', update }, DEFAULT_LIMITS),
      ErrorCode.INVALID_UPDATE,
      /^awareness update: .*object or null/,
    );
  });
});
