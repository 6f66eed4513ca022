/**
 * The Socket.IO parser Drawbridge speaks: each packet is one MessagePack binary frame.
 *
 * Socket.IO's default parser sends every packet with a binary payload as two frames (a JSON
 * header, then the bytes); one frame halves the per-update overhead. Pass `{ parser }` to both
 * `new Server(...)` and `io(...)`. `Uint8Array`s are encoded as exactly the bytes of the view
 * (never the whole underlying buffer), and arrive as `Uint8Array`.
 */

import { Decoder as MsgpackDecoder, Encoder as MsgpackEncoder } from '@msgpack/msgpack';
import { Emitter } from '@socket.io/component-emitter';

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

export class Encoder {
  readonly #msgpack = new MsgpackEncoder({ ignoreUndefined: true });
  /** `encode` (not `encodeSharedRef`) returns an exact-size copy, safe to queue and send later. */
  encode(packet: Packet): Uint8Array[] {
    // Only the packet's own fields: socket.io-client also hands the encoder its `options`.
    const { type, nsp, data, id } = packet;
    return [this.#msgpack.encode({ type, nsp, data, id })];
  }
}

export class Decoder extends Emitter<
  Record<string, never>,
  Record<string, never>,
  { decoded: (packet: Packet) => void }
> {
  readonly #msgpack = new MsgpackDecoder();

  /** Throws on anything but one well-formed packet; Socket.IO then closes that connection. */
  add(chunk: unknown): void {
    if (typeof chunk === 'string')
      throw new Error('text frame: this server speaks the MessagePack parser');
    if (!(chunk instanceof ArrayBuffer) && !ArrayBuffer.isView(chunk)) {
      throw new Error('unexpected frame type');
    }
    const packet = this.#msgpack.decode(chunk) as Packet;
    // MessagePack has no undefined: an absent field may arrive as nil from other encoders.
    if (isPlainObject(packet) && packet.data === null) delete packet.data;
    if (isPlainObject(packet) && packet.id === null) delete packet.id;
    if (!isPacketValid(packet)) throw new Error('invalid packet');
    this.emitReserved('decoded', packet);
  }

  destroy(): void {
    this.off();
  }
}

/** Pass as `parser` to the Socket.IO server and client. */
export const parser = { Encoder, Decoder };
