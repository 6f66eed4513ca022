import { encode as msgpackEncode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from './constants.js';
import { ErrorCode } from './errors.js';
import {
  Decoder,
  Encoder,
  isPacketValid,
  LARGE_PACKET_BYTES,
  type Packet,
  PacketType,
  parser,
} from './parser.js';
import { markImmutable } from './sharedFrames.js';
import { validateDocUpdate } from './validate.js';

/** Encodes with our Encoder and checks there is exactly one frame. */
const encodeOne = (packet: Packet): Uint8Array => {
  const frames = new Encoder().encode(packet);
  expect(frames).toHaveLength(1);
  expect(frames[0]).toBeInstanceOf(Uint8Array);
  return frames[0]!;
};

/** Feeds one frame to a fresh Decoder; returns what it emitted (throws what it throws). */
const decodeAll = (frame: unknown): Packet[] => {
  const decoder = new Decoder();
  const decoded: Packet[] = [];
  decoder.on('decoded', (packet) => decoded.push(packet));
  decoder.add(frame);
  return decoded;
};

const roundTrip = (packet: Packet): Packet => {
  const decoded = decodeAll(encodeOne(packet));
  expect(decoded).toHaveLength(1);
  return decoded[0]!;
};

/** An exact-size ArrayBuffer copy of the bytes. */
const arrayBufferOf = (bytes: Uint8Array): ArrayBuffer => Uint8Array.from(bytes).buffer;

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('Encoder and Decoder round-trip', () => {
  const cases: [string, Packet][] = [
    ['CONNECT with auth', { type: PacketType.CONNECT, nsp: '/', data: { token: 'cap.x' } }],
    ['CONNECT without data', { type: PacketType.CONNECT, nsp: '/' }],
    ['CONNECT (server answer)', { type: PacketType.CONNECT, nsp: '/', data: { sid: 'abc' } }],
    ['DISCONNECT', { type: PacketType.DISCONNECT, nsp: '/' }],
    [
      'EVENT with an ack id and binary',
      {
        type: PacketType.EVENT,
        nsp: '/',
        data: ['doc:update', { boardId: 'b', update: bytes(1, 2, 3) }],
        id: 7,
      },
    ],
    [
      'EVENT without ack',
      { type: PacketType.EVENT, nsp: '/', data: ['awareness:update', { boardId: 'b' }] },
    ],
    ['EVENT with a numeric name', { type: PacketType.EVENT, nsp: '/', data: [1, 'x'] }],
    ['EVENT with no arguments', { type: PacketType.EVENT, nsp: '/', data: ['ping'] }],
    [
      'EVENT in another namespace',
      { type: PacketType.EVENT, nsp: '/admin', data: ['x', null, 1.5, true, 'é😀'] },
    ],
    [
      'ACK with a join result',
      {
        type: PacketType.ACK,
        nsp: '/',
        data: [
          {
            ok: true,
            role: 'editor',
            update: bytes(0, 0),
            stateVector: bytes(0),
            awareness: bytes(0),
          },
        ],
        id: 0,
      },
    ],
    [
      'ACK with an error',
      {
        type: PacketType.ACK,
        nsp: '/',
        data: [{ ok: false, error: { code: 'BAD_REQUEST', message: 'no' } }],
        id: 2 ** 31,
      },
    ],
    ['CONNECT_ERROR with an object', { type: 4, nsp: '/', data: { message: 'not allowed' } }],
    ['CONNECT_ERROR with a string', { type: 4, nsp: '/', data: 'not allowed' }],
  ];

  for (const [name, packet] of cases) {
    it(name, () => {
      expect(isPacketValid(packet)).toBe(true);
      expect(roundTrip(packet)).toEqual(packet);
    });
  }

  it('binary arrives as Uint8Array, whether a Uint8Array or a Buffer was sent', () => {
    for (const update of [bytes(5, 6, 7), Buffer.from([5, 6, 7])]) {
      const decoded = roundTrip({ type: 2, nsp: '/', data: ['doc:update', { update }] });
      const got = (decoded.data as [string, { update: Uint8Array }])[1].update;
      expect(got).toBeInstanceOf(Uint8Array);
      expect(Array.from(got)).toEqual([5, 6, 7]);
    }
  });

  it('leaves out undefined fields (MessagePack has no undefined; nil would decode as null)', () => {
    // socket.io-client sends `data: undefined` in CONNECT when no `auth` is set.
    const connect = roundTrip({ type: PacketType.CONNECT, nsp: '/', data: undefined });
    expect(connect).toEqual({ type: 0, nsp: '/' });
    expect('data' in connect).toBe(false);
    const event = roundTrip({
      type: PacketType.EVENT,
      nsp: '/',
      data: ['board:error', { boardId: undefined, code: 'BAD_REQUEST', message: 'x' }],
      id: undefined,
    });
    expect('id' in event).toBe(false);
    expect(event.data).toEqual(['board:error', { code: 'BAD_REQUEST', message: 'x' }]);
    expect('boardId' in (event.data as [string, object])[1]).toBe(false);
  });

  it('sends only type, nsp, data and id (not socket.io-client internals like `options`)', () => {
    const packet = {
      type: PacketType.EVENT,
      nsp: '/',
      data: ['doc:update', { boardId: 'b' }],
      options: { compress: true },
    };
    const decoded = roundTrip(packet as Packet);
    expect(Object.keys(decoded).sort()).toEqual(['data', 'nsp', 'type']);
  });

  it('accepts nil data and id from other MessagePack encoders as absent', () => {
    const decoded = decodeAll(msgpackEncode({ type: 0, nsp: '/', data: null, id: null }));
    expect(decoded).toEqual([{ type: 0, nsp: '/' }]);
  });

  it('exports the pair as `parser` for Socket.IO', () => {
    expect(parser.Encoder).toBe(Encoder);
    expect(parser.Decoder).toBe(Decoder);
  });
});

describe('Encoder', () => {
  it('encodes a Uint8Array view as exactly its bytes, not its whole buffer', () => {
    const views = [
      Buffer.alloc(8192, 0xaa).subarray(100, 105),
      new Uint8Array(8192).fill(0xbb).subarray(10, 15),
      Buffer.from([1, 2, 3, 4, 5]), // small Buffers are views into Node's shared 8 KiB pool
    ];
    for (const view of views) {
      expect(view.buffer.byteLength).toBeGreaterThan(view.byteLength);
      const frame = encodeOne({
        type: PacketType.EVENT,
        nsp: '/',
        data: ['doc:update', { boardId: 'b', update: view }],
      });
      expect(frame.byteLength).toBeLessThan(64);
      const decoded = decodeAll(frame)[0]!;
      const update = (decoded.data as [string, { update: Uint8Array }])[1].update;
      expect(update.byteLength).toBe(5);
      expect(Array.from(update)).toEqual(Array.from(view));
    }
  });

  it('returns a fresh exact-size copy each time', () => {
    const encoder = new Encoder();
    const first = encoder.encode({ type: 2, nsp: '/', data: ['a', bytes(1, 2, 3)] })[0]!;
    const snapshot = Uint8Array.from(first);
    expect(first.byteLength).toBe(first.buffer.byteLength);
    const second = encoder.encode({ type: 2, nsp: '/', data: ['b', bytes(9, 9, 9)] })[0]!;
    expect(second.buffer).not.toBe(first.buffer);
    second.fill(0);
    expect(first).toEqual(snapshot); // neither the next encode nor mutating its output touched it
    expect(decodeAll(first)[0]!.data).toEqual(['a', bytes(1, 2, 3)]);
  });

  it('encodes a large packet byte for byte as the shared encoder would, in a buffer of its own', () => {
    const update = new Uint8Array(3 * LARGE_PACKET_BYTES).map((_, i) => i % 251);
    const packet = {
      type: PacketType.ACK,
      nsp: '/',
      id: 7,
      data: [{ ok: true, role: 'editor', update, awareness: bytes(1, 2), name: 'x'.repeat(2000) }],
    };
    const encoder = new Encoder();
    const first = encoder.encode(packet)[0]!;
    const { type, nsp, data, id } = packet;
    const reference = msgpackEncode({ type, nsp, data, id }, { ignoreUndefined: true });
    expect(Array.from(first)).toEqual(Array.from(reference));
    const snapshot = Uint8Array.from(first);
    const second = encoder.encode(packet)[0]!;
    expect(second.buffer).not.toBe(first.buffer);
    second.fill(0);
    expect(first).toEqual(snapshot);
    const decoded = decodeAll(first)[0]!;
    expect(decoded.id).toBe(7);
    expect((decoded.data as [{ update: Uint8Array }])[0].update).toEqual(update);
  });
});

describe('Encoder: frames around immutable bytes', () => {
  const answer = (update: Uint8Array, awareness = bytes(1, 2)) => ({
    ok: true,
    role: 'editor',
    update,
    stateVector: bytes(0),
    awareness,
  });
  const ack = (id: number, data: unknown): Packet => ({
    type: PacketType.ACK,
    nsp: '/',
    id,
    data: [data],
  });
  const large = () => new Uint8Array(2 * LARGE_PACKET_BYTES).map((_, i) => i % 253);

  it('sends the same frame again for the same packet around the same immutable bytes', () => {
    const update = markImmutable(large());
    const encoder = new Encoder();
    const first = encoder.encode(ack(0, answer(update)))[0]!;
    const second = encoder.encode(ack(0, answer(update)))[0]!;
    expect(second).toBe(first);
    const { type, nsp, data, id } = ack(0, answer(update));
    expect(Array.from(first)).toEqual(Array.from(msgpackEncode({ type, nsp, data, id })));
  });

  it('makes a new frame when anything else in the packet differs', () => {
    const update = markImmutable(large());
    const encoder = new Encoder();
    const first = encoder.encode(ack(0, answer(update)))[0]!;
    const otherId = encoder.encode(ack(1, answer(update)))[0]!;
    const otherAwareness = encoder.encode(ack(1, answer(update, bytes(7))))[0]!;
    for (const frame of [otherId, otherAwareness]) expect(frame).not.toBe(first);
    expect(decodeAll(otherId)[0]!.id).toBe(1);
    const decoded = decodeAll(otherAwareness)[0]!;
    const got = (decoded.data as [{ update: Uint8Array; awareness: Uint8Array }])[0];
    expect(got.awareness).toEqual(bytes(7));
    expect(got.update).toEqual(update);
    // The frame of the first packet is untouched by the others.
    expect((decodeAll(first)[0]!.data as [{ awareness: Uint8Array }])[0].awareness).toEqual(
      bytes(1, 2),
    );
  });

  it('never reuses a frame around bytes that were not promised immutable', () => {
    const update = large();
    const encoder = new Encoder();
    const first = encoder.encode(ack(0, answer(update)))[0]!;
    update[0] = 99; // allowed: nobody promised otherwise
    const second = encoder.encode(ack(0, answer(update)))[0]!;
    expect(second).not.toBe(first);
    expect((decodeAll(second)[0]!.data as [{ update: Uint8Array }])[0].update[0]).toBe(99);
  });

  it('tells equal bytes in other arrays from the immutable ones', () => {
    const update = markImmutable(large());
    const encoder = new Encoder();
    const first = encoder.encode(ack(0, answer(update)))[0]!;
    const copy = encoder.encode(ack(0, answer(Uint8Array.from(update))))[0]!;
    expect(copy).not.toBe(first);
    expect(Array.from(copy)).toEqual(Array.from(first));
  });
});

describe('Decoder', () => {
  const frame = encodeOne({ type: 2, nsp: '/', data: ['doc:update', { update: bytes(1, 2) }] });
  const expected = [{ type: 2, nsp: '/', data: ['doc:update', { update: bytes(1, 2) }] }];

  it('decodes an ArrayBuffer, a Uint8Array, a Buffer and a view into a larger buffer', () => {
    const larger = new Uint8Array(frame.length + 20).fill(0xff);
    larger.set(frame, 10);
    for (const input of [
      arrayBufferOf(frame),
      frame,
      Buffer.from(frame),
      larger.subarray(10, 10 + frame.length),
    ]) {
      const [packet, ...rest] = decodeAll(input);
      expect(rest).toEqual([]);
      const [name, payload] = packet!.data as [string, { update: Uint8Array }];
      expect({ ...packet, data: undefined }).toEqual({ type: 2, nsp: '/', data: undefined });
      expect(name).toBe('doc:update');
      // From a Buffer it is a Buffer (a Uint8Array subclass): a view into the frame.
      expect(payload.update).toBeInstanceOf(Uint8Array);
      expect(Array.from(payload.update)).toEqual([1, 2]);
    }
  });

  it('decodes many frames in a row with one decoder', () => {
    const decoder = new Decoder();
    const decoded: Packet[] = [];
    decoder.on('decoded', (packet) => decoded.push(packet));
    for (let i = 0; i < 3; i++) decoder.add(encodeOne({ type: 3, nsp: '/', data: [i], id: i }));
    expect(decoded.map((p) => p.id)).toEqual([0, 1, 2]);
  });

  const garbage: [string, unknown][] = [
    ['a text frame', '2["doc:update",{}]'],
    ['an empty text frame', ''],
    ['a number', 5],
    ['null', null],
    ['an object', { type: 2, nsp: '/', data: ['x'] }],
    ['an array of bytes', [0x80]],
    ['an empty frame', new Uint8Array(0)],
    ['a never-used MessagePack byte', bytes(0xc1)],
    ['a truncated frame', frame.subarray(0, frame.length - 1)],
    ['trailing bytes', Uint8Array.from([...frame, 0])],
    ['two packets in one frame', Uint8Array.from([...frame, ...frame])],
    ['a map claiming 2^32-1 entries', bytes(0xdf, 0xff, 0xff, 0xff, 0xff)],
    // { "__proto__": {} }: refused by the MessagePack decoder (prototype pollution).
    [
      'a __proto__ key',
      Uint8Array.from([0x81, 0xa9, ...new TextEncoder().encode('__proto__'), 0x80]),
    ],
  ];

  const invalid: [string, unknown][] = [
    ['not an object', [2, '/', ['x']]],
    ['a number', 2],
    ['a string', 'packet'],
    ['nil', null],
    ['no nsp', { type: 2, data: ['x'] }],
    ['a numeric nsp', { type: 2, nsp: 0, data: ['x'] }],
    ['a fractional id', { type: 2, nsp: '/', data: ['x'], id: 1.5 }],
    ['a string id', { type: 2, nsp: '/', data: ['x'], id: '1' }],
    ['an unknown type', { type: 7, nsp: '/', data: ['x'] }],
    ['BINARY_EVENT (type 5)', { type: 5, nsp: '/', data: ['x'] }],
    ['BINARY_ACK (type 6)', { type: 6, nsp: '/', data: [] }],
    ['a negative type', { type: -1, nsp: '/' }],
    ['a string type', { type: '2', nsp: '/', data: ['x'] }],
    ['no type', { nsp: '/', data: ['x'] }],
    ['CONNECT with string data', { type: 0, nsp: '/', data: 'token' }],
    ['CONNECT with array data', { type: 0, nsp: '/', data: [] }],
    ['DISCONNECT with data', { type: 1, nsp: '/', data: {} }],
    ['EVENT without data', { type: 2, nsp: '/' }],
    ['EVENT with object data', { type: 2, nsp: '/', data: { 0: 'x' } }],
    ['EVENT with an empty array', { type: 2, nsp: '/', data: [] }],
    ['EVENT with an object name', { type: 2, nsp: '/', data: [{}] }],
    ['ACK without data', { type: 3, nsp: '/', id: 1 }],
    ['ACK with object data', { type: 3, nsp: '/', data: {}, id: 1 }],
    ['CONNECT_ERROR with a number', { type: 4, nsp: '/', data: 5 }],
    ['CONNECT_ERROR without data', { type: 4, nsp: '/' }],
    ...[
      'connect',
      'connect_error',
      'disconnect',
      'disconnecting',
      'newListener',
      'removeListener',
    ].map((name): [string, unknown] => [
      `the reserved event name "${name}"`,
      { type: 2, nsp: '/', data: [name, {}] },
    ]),
  ];

  for (const [name, input] of garbage) {
    it(`throws on ${name} and emits nothing`, () => {
      const decoder = new Decoder();
      let emitted = 0;
      decoder.on('decoded', () => emitted++);
      expect(() => decoder.add(input)).toThrow();
      expect(emitted).toBe(0);
    });
  }

  for (const [name, packet] of invalid) {
    it(`throws on a packet with ${name} and emits nothing`, () => {
      expect(isPacketValid(packet)).toBe(false);
      const decoder = new Decoder();
      let emitted = 0;
      decoder.on('decoded', () => emitted++);
      expect(() => decoder.add(msgpackEncode(packet))).toThrow();
      expect(emitted).toBe(0);
    });
  }

  it('text frames get a message that names the parser', () => {
    expect(() => decodeAll('0{}')).toThrow(/MessagePack/);
  });

  it('stays usable after a bad frame', () => {
    const decoder = new Decoder();
    const decoded: Packet[] = [];
    decoder.on('decoded', (packet) => decoded.push(packet));
    expect(() => decoder.add(bytes(0xc1))).toThrow();
    expect(() => decoder.add(frame.subarray(0, 3))).toThrow();
    decoder.add(frame);
    expect(decoded).toEqual(expected);
  });

  it('emits nothing after destroy', () => {
    const decoder = new Decoder();
    let emitted = 0;
    decoder.on('decoded', () => emitted++);
    decoder.destroy();
    decoder.add(frame);
    expect(emitted).toBe(0);
  });
});

/**
 * What Socket.IO's documented `socket.io-msgpack-parser` sends: its encoder, notepack.io,
 * writes a `Uint8Array` or `ArrayBuffer` as ext type 0 (ext 8/16/32), and `undefined` as the
 * fixext 1 `d4 00 00`. Frames are written out by hand so each framing is exact.
 */
describe('Decoder: socket.io-msgpack-parser (notepack.io) encodings', () => {
  const str = (text: string): number[] => {
    const utf8 = [...new TextEncoder().encode(text)];
    if (utf8.length > 31) throw new Error('fixstr only');
    return [0xa0 | utf8.length, ...utf8];
  };
  /** EVENT `['doc:update', { update: <value> }]`, with `value` given as MessagePack bytes. */
  const eventWith = (value: readonly number[]): Uint8Array =>
    Uint8Array.from([
      0x83,
      ...str('type'),
      0x02,
      ...str('nsp'),
      ...str('/'),
      ...str('data'),
      0x92,
      ...str('doc:update'),
      0x81,
      ...str('update'),
      ...value,
    ]);
  const updateOf = (frame: Uint8Array): unknown => {
    const [packet, ...rest] = decodeAll(frame);
    expect(rest).toEqual([]);
    return (packet!.data as [string, { update: unknown }])[1].update;
  };
  const range = (n: number) => Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

  const byteArrays: [string, number[], number[]][] = [
    ['ext 8 of 3 bytes', [0xc7, 3, 0, 1, 2, 3], [1, 2, 3]],
    ['ext 8 of 1 byte (an empty state vector, not `undefined`)', [0xc7, 1, 0, 0], [0]],
    ['ext 8 of 0 bytes', [0xc7, 0, 0], []],
    ['ext 8 of 16 bytes (a fixext 16 length)', [0xc7, 16, 0, ...range(16)], range(16)],
    ['ext 8 of 8 bytes (notepack Date length)', [0xc7, 8, 0, ...range(8)], range(8)],
    ['ext 8 of 212 bytes (length byte 0xd4)', [0xc7, 0xd4, 0, ...range(212)], range(212)],
    ['ext 16 of 300 bytes', [0xc8, 0x01, 0x2c, 0, ...range(300)], range(300)],
    ['ext 32 of 4 bytes', [0xc9, 0, 0, 0, 4, 0, ...range(4)], range(4)],
  ];

  for (const [name, value, expected] of byteArrays) {
    it(`reads ${name} of type 0 as a byte array`, () => {
      const update = updateOf(eventWith(value));
      expect(update).toBeInstanceOf(Uint8Array);
      expect(Array.from(update as Uint8Array)).toEqual(expected);
    });
  }

  it('reads them the same from an ArrayBuffer, a Buffer and a view at an offset', () => {
    for (const value of [
      [0xc7, 1, 0, 0],
      [0xc7, 3, 0, 1, 2, 3],
      [0xd4, 0, 0],
    ]) {
      const frame = eventWith(value);
      const expected = updateOf(frame);
      const larger = new Uint8Array(frame.length + 9).fill(0xd4);
      larger.set(frame, 7);
      for (const input of [
        arrayBufferOf(frame),
        Buffer.from(frame),
        larger.subarray(7, 7 + frame.length),
      ]) {
        const update = updateOf(input as Uint8Array);
        if (expected === undefined) expect(update).toBeUndefined();
        else expect(Array.from(update as Uint8Array)).toEqual(Array.from(expected as Uint8Array));
      }
    }
  });

  it('reads the fixext 1 `d4 00 00` as undefined: absent packet data, absent fields', () => {
    // socket.io-client without `auth` sends CONNECT with `data: undefined`.
    const connect = Uint8Array.from([
      0x83,
      ...str('type'),
      0x00,
      ...str('nsp'),
      ...str('/'),
      ...str('data'),
      0xd4,
      0x00,
      0x00,
    ]);
    const [packet] = decodeAll(connect);
    expect(packet).toEqual({ type: 0, nsp: '/' });
    expect('data' in packet!).toBe(false);
    expect(updateOf(eventWith([0xd4, 0, 0]))).toBeUndefined();
  });

  const notBinary: [string, number[]][] = [
    ['notepack Date (fixext 8, type 0)', [0xd7, 0, 0, 0, 0, 0, 0x5e, 0x0b, 0xe1, 0x00]],
    ['fixext 1 of type 0 with a non-zero byte', [0xd4, 0, 1]],
    ['fixext 2 of type 0', [0xd5, 0, 1, 2]],
    ['fixext 4 of type 0', [0xd6, 0, 1, 2, 3, 4]],
    ['fixext 16 of type 0', [0xd8, 0, ...range(16)]],
    ['ext 8 of type 1', [0xc7, 3, 1, 1, 2, 3]],
    ['ext 8 of type 127', [0xc7, 3, 0x7f, 1, 2, 3]],
    ['ext 16 of type 5', [0xc8, 0, 3, 5, 1, 2, 3]],
    ['fixext 1 of type 1', [0xd4, 1, 0]],
    ['a timestamp (ext type -1)', [0xd6, 0xff, 0, 0, 0, 0]],
  ];

  for (const [name, value] of notBinary) {
    it(`does not read ${name} as binary`, () => {
      const update = updateOf(eventWith(value));
      expect(update).not.toBeInstanceOf(Uint8Array);
      expect(update).not.toBeInstanceOf(ArrayBuffer);
      expect(update).not.toBeUndefined();
    });
  }

  it('validation accepts ext type 0 as binary and refuses other ext types with BAD_REQUEST', () => {
    // A one-item Yjs update: 1 client section, 1 struct, no deletions.
    const yjs = [1, 1, 5, 0, 4, 1, 1, 116, 1, 120, 0];
    const accepted = validateDocUpdate(
      { boardId: 'b', update: updateOf(eventWith([0xc7, yjs.length, 0, ...yjs])) },
      DEFAULT_LIMITS,
    );
    expect(accepted.ok).toBe(true);
    for (const value of [
      [0xc7, yjs.length, 5, ...yjs],
      [0xd7, 0, ...range(8)],
    ]) {
      const refused = validateDocUpdate(
        { boardId: 'b', update: updateOf(eventWith(value)) },
        DEFAULT_LIMITS,
      );
      expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
    }
  });

  it('decodes the board:join example of PROTOCOL.md §2.2 (as notepack.io writes it)', () => {
    const hex =
      '84 a4 74 79 70 65 02 a3 6e 73 70 a1 2f a4 64 61 74 61 92 aa 62 6f 61 72 64 3a 6a 6f 69 ' +
      '6e 83 a7 62 6f 61 72 64 49 64 a2 62 31 a8 70 72 6f 74 6f 63 6f 6c 01 ab 73 74 61 74 65 ' +
      '56 65 63 74 6f 72 c7 01 00 00 a2 69 64 00';
    const frame = Uint8Array.from(hex.split(' '), (byte) => Number.parseInt(byte, 16));
    expect(frame.byteLength).toBe(72);
    expect(decodeAll(frame)).toEqual([
      {
        type: PacketType.EVENT,
        nsp: '/',
        data: ['board:join', { boardId: 'b1', protocol: 1, stateVector: bytes(0) }],
        id: 0,
      },
    ]);
  });
});
