/**
 * The Socket.IO parser Drawbridge speaks: each packet is one MessagePack binary frame.
 *
 * Socket.IO's default parser sends every packet with a binary payload as two frames (a JSON
 * header, then the bytes); one frame halves the per-update overhead. Pass `{ parser }` to both
 * `new Server(...)` and `io(...)`. `Uint8Array`s are encoded as exactly the bytes of the view
 * (never the whole underlying buffer), and arrive as `Uint8Array`.
 *
 * The decoder also reads what Socket.IO's documented `socket.io-msgpack-parser` (notepack.io)
 * sends: a byte array as MessagePack ext type 0 instead of `bin`, and `undefined` as the
 * fixext 1 `d4 00 00` (PROTOCOL.md §2.2).
 */

import {
  ExtData,
  ExtensionCodec,
  Decoder as MsgpackDecoder,
  Encoder as MsgpackEncoder,
} from '@msgpack/msgpack';
import { Emitter } from '@socket.io/component-emitter';
import { largestImmutable, SharedFrames, withoutBytes } from './sharedFrames.js';

export const PacketType = {
  CONNECT: 0,
  DISCONNECT: 1,
  EVENT: 2,
  ACK: 3,
  CONNECT_ERROR: 4,
} as const;

export interface Packet {
  type: number;
  nsp: string;
  data?: unknown;
  id?: number;
}

const RESERVED_EVENTS = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);

const isPlainObject = (value: unknown): boolean =>
  Object.prototype.toString.call(value) === '[object Object]';

/** Same rules as socket.io-parser's `isPacketValid`, for packets without binary attachments. */
export function isPacketValid(packet: unknown): packet is Packet {
  if (!isPlainObject(packet)) return false;
  const { type, nsp, data, id } = packet as Packet;
  if (typeof nsp !== 'string') return false;
  if (id !== undefined && !Number.isInteger(id)) return false;
  switch (type) {
    case PacketType.CONNECT:
      return data === undefined || isPlainObject(data);
    case PacketType.DISCONNECT:
      return data === undefined;
    case PacketType.EVENT:
      return (
        Array.isArray(data) &&
        (typeof data[0] === 'number' ||
          (typeof data[0] === 'string' && !RESERVED_EVENTS.has(data[0])))
      );
    case PacketType.ACK:
      return Array.isArray(data);
    case PacketType.CONNECT_ERROR:
      return typeof data === 'string' || isPlainObject(data);
    default:
      return false;
  }
}

/** The frame being decoded: lets the ext type 0 decoder see how its value was framed. */
interface DecodeContext {
  frame: Uint8Array;
}

/** notepack.io's ext type: byte arrays (ext 8/16/32) and `undefined` (fixext 1). */
const NOTEPACK_EXT = 0;
/** MessagePack fixext headers by data length; ext 8/16/32 are 0xc7, 0xc8, 0xc9. */
const FIXEXT_HEADER: Readonly<Record<number, number>> = {
  1: 0xd4,
  2: 0xd5,
  4: 0xd6,
  8: 0xd7,
  16: 0xd8,
};

/**
 * Where an ext value's bytes start, the frame holds `header, type` (fixext) or
 * `header, length..., type` (ext 8/16/32) right before them. The byte two before the data is
 * the fixext header itself, or the low byte of an ext's length, which equals the data length
 * (1, 2, 4, 8 or 16 for the lengths a fixext can have): never a fixext header (0xd4-0xd8).
 */
function isFixext(data: Uint8Array, frame: Uint8Array): boolean {
  const header = FIXEXT_HEADER[data.byteLength];
  if (header === undefined) return false;
  const at = data.byteOffset - 2;
  // The MessagePack decoder hands ext data over as a view into the frame; fail closed if not.
  if (data.buffer !== frame.buffer || at < frame.byteOffset) {
    throw new Error('ext data is not a view into the frame');
  }
  return new Uint8Array(data.buffer, at, 1)[0] === header;
}

const NO_FRAME = new Uint8Array(0);

const extensionCodec = new ExtensionCodec<DecodeContext>();
extensionCodec.register({
  type: NOTEPACK_EXT,
  // Only decoding: this parser's own encoder always sends byte arrays as `bin`.
  encode: () => null,
  decode: (data, type, { frame }) => {
    if (!isFixext(data, frame)) return data; // ext 8/16/32: a byte array, like `bin`
    if (data.byteLength === 1 && data[0] === 0) return undefined; // notepack's `undefined`
    // Any other fixext of type 0 (notepack's Date is fixext 8): opaque, never binary.
    return new ExtData(type, data);
  },
});

/**
 * One MessagePack decoder for every connection: Socket.IO makes a `Decoder` per connection, and
 * a decoder of its own per connection would cost each of them its buffers and pools. Decoding
 * is synchronous, so the frame in `decodeContext` is always the one being decoded.
 */
const decodeContext: DecodeContext = { frame: NO_FRAME };
const msgpackDecoder = new MsgpackDecoder<DecodeContext>({
  extensionCodec,
  context: decodeContext,
});

/** Packets carrying at least this many bytes of binary get an encoder of their own (below). */
export const LARGE_PACKET_BYTES = 64 * 1024;
/** Room for everything but the binary in a large packet (keys, ids, headers); more still fits. */
const ENVELOPE_BYTES = 1024;

/** Bytes of binary in a packet's data (payloads nest at most a few levels deep). */
function binaryBytes(value: unknown, depth: number): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (depth === 0 || value === null || typeof value !== 'object') return 0;
  let sum = 0;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    sum += binaryBytes(item, depth - 1);
  }
  return sum;
}

/** How deep in a packet's data byte arrays are looked for (payloads nest a few levels). */
const BINARY_DEPTH = 4;

export class Encoder {
  readonly #msgpack = new MsgpackEncoder({ ignoreUndefined: true });
  readonly #shared = new SharedFrames();
  /**
   * Each frame is safe to queue and send later: never changed once returned, and never a view
   * of a buffer reused by a later encode (a large one may be returned again, see sharedFrames.ts).
   */
  encode(packet: Packet): Uint8Array[] {
    // Only the packet's own fields: socket.io-client also hands the encoder its `options`.
    const { type, nsp, data, id } = packet;
    const fields = { type, nsp, data, id };
    const binary = binaryBytes(data, BINARY_DEPTH);
    if (binary < LARGE_PACKET_BYTES) {
      // `encode` (not `encodeSharedRef`): an exact-size copy out of the reused buffer.
      return [this.#msgpack.encode(fields)];
    }
    // Many joiners of one board get the same answer: made once (see sharedFrames.ts).
    const shared = largestImmutable(data, BINARY_DEPTH);
    if (!shared || shared.byteLength < LARGE_PACKET_BYTES)
      return [this.#encodeLarge(fields, binary)];
    const envelope = this.#msgpack.encode({
      ...fields,
      data: withoutBytes(data, shared, BINARY_DEPTH),
    });
    const made = this.#shared.get(shared, envelope);
    if (made) return [made];
    const frame = this.#encodeLarge(fields, binary);
    this.#shared.set(shared, envelope, frame);
    return [frame];
  }

  /**
   * A board's answer to a join runs to megabytes: an encoder sized for it writes the bytes
   * once, into a buffer that becomes the frame, where the shared one would copy them twice
   * (into its buffer, then out) and grow its buffer on the way.
   */
  #encodeLarge(fields: Packet, binary: number): Uint8Array {
    const sized = new MsgpackEncoder({
      ignoreUndefined: true,
      initialBufferSize: binary + ENVELOPE_BYTES,
    });
    return sized.encodeSharedRef(fields);
  }
}

export class Decoder extends Emitter<
  Record<string, never>,
  Record<string, never>,
  { decoded: (packet: Packet) => void }
> {
  /** Throws on anything but one well-formed packet; Socket.IO then closes that connection. */
  add(chunk: unknown): void {
    if (typeof chunk === 'string')
      throw new Error('text frame: this server speaks the MessagePack parser');
    if (!(chunk instanceof ArrayBuffer) && !ArrayBuffer.isView(chunk)) {
      throw new Error('unexpected frame type');
    }
    // A Uint8Array (a Node Buffer too) as it is, so `bin` values stay views of the same class.
    const frame =
      chunk instanceof Uint8Array
        ? chunk
        : chunk instanceof ArrayBuffer
          ? new Uint8Array(chunk)
          : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const outer = decodeContext.frame;
    decodeContext.frame = frame;
    let packet: Packet;
    try {
      packet = msgpackDecoder.decode(frame) as Packet;
    } finally {
      decodeContext.frame = outer;
    }
    // MessagePack has no undefined: an absent field may arrive as nil (or notepack's
    // `undefined` ext) from other encoders.
    if (isPlainObject(packet) && packet.data == null) delete packet.data;
    if (isPlainObject(packet) && packet.id == null) delete packet.id;
    if (!isPacketValid(packet)) throw new Error('invalid packet');
    this.emitReserved('decoded', packet);
  }

  destroy(): void {
    this.off();
  }
}

/** Pass as `parser` to the Socket.IO server and client. */
export const parser = { Encoder, Decoder };
