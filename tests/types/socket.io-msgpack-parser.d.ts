/** socket.io-msgpack-parser ships no types: the Socket.IO parser shape, as far as tests use it. */
declare module 'socket.io-msgpack-parser' {
  export const protocol: number;
  export class Encoder {
    encode(packet: unknown): Array<Uint8Array | ArrayBuffer>;
  }
  export class Decoder {
    add(chunk: unknown): void;
    on(event: 'decoded', listener: (packet: unknown) => void): this;
    destroy(): void;
  }
}
