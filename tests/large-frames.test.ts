/**
 * A large WebSocket frame's payload is gathered as its chunks arrive (`largeFrames.ts`), not
 * copied in one go once the last one is in; ws then delivers the same messages as before.
 */
import { expect, it } from 'vitest';
import * as ws from 'ws';
import { gatherLargeFrames, LARGE_FRAME_BYTES } from '../apps/server/src/http/largeFrames.js';

/** ws's frame parser (exported by ws, absent from its typings). */
const { Receiver } = ws as unknown as {
  Receiver: new (options: {
    isServer: boolean;
  }) => NodeJS.WritableStream & { on(event: 'message', listener: (data: Buffer) => void): void };
};

const MASK = [0x12, 0x34, 0x56, 0x78];

/** A client's binary frame (masked, as a client sends it). */
function clientFrame(payload: Uint8Array): Buffer {
  const header =
    payload.length < 126
      ? Buffer.from([0x82, 0x80 | payload.length])
      : Buffer.concat([Buffer.from([0x82, 0x80 | 127]), bigLength(payload.length)]);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= MASK[i & 3]!;
  return Buffer.concat([header, Buffer.from(MASK), body]);
}

function bigLength(length: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(length));
  return bytes;
}

const bytes = (length: number, seed: number) =>
  Buffer.from(Uint8Array.from({ length }, (_, i) => (i * 131 + seed * 7 + (i >> 9)) & 0xff));

interface Gathering {
  _buffers: Buffer[];
  _drawbridgePayload?: { filled: number } | null;
}

it('gathers a large payload as it arrives and delivers the same messages, in order', () => {
  const receiver = new Receiver({ isServer: true });
  gatherLargeFrames({ name: 'websocket', socket: { _receiver: receiver } });
  const messages: Buffer[] = [];
  receiver.on('message', (data: Buffer) => messages.push(Buffer.from(data)));

  const large = bytes(2 * LARGE_FRAME_BYTES + 123, 1);
  const small = bytes(50, 2);
  const after = bytes(300, 3);
  const stream = Buffer.concat([clientFrame(large), clientFrame(small), clientFrame(after)]);
  const chunk = 64 * 1024;
  let written = 0;
  const write = (until: number) => {
    for (; written < until; written += chunk) {
      receiver.write(stream.subarray(written, Math.min(until, written + chunk)));
    }
    written = Math.min(written, until);
  };

  write(LARGE_FRAME_BYTES);
  const gathering = receiver as unknown as Gathering;
  // What arrived of the payload is already in its buffer: nothing waits in ws's chunk list.
  expect(gathering._buffers).toHaveLength(0);
  expect(gathering._drawbridgePayload?.filled).toBe(LARGE_FRAME_BYTES - 14);
  expect(messages).toHaveLength(0);

  // The last chunk carries the payload's end and the next frames.
  write(stream.length);
  expect(messages).toEqual([large, small, after]);
  expect(gathering._drawbridgePayload ?? null).toBeNull();

  // And again on the same connection.
  const again = bytes(LARGE_FRAME_BYTES + 1, 4);
  receiver.write(clientFrame(again));
  expect(messages.at(-1)).toEqual(again);
});

it('leaves frames under the threshold to ws', () => {
  const receiver = new Receiver({ isServer: true });
  gatherLargeFrames({ name: 'websocket', socket: { _receiver: receiver } });
  const messages: Buffer[] = [];
  receiver.on('message', (data: Buffer) => messages.push(Buffer.from(data)));
  const payload = bytes(LARGE_FRAME_BYTES - 1, 5);
  const frame = clientFrame(payload);
  receiver.write(frame.subarray(0, 100_000));
  expect((receiver as unknown as Gathering)._drawbridgePayload).toBeUndefined();
  receiver.write(frame.subarray(100_000));
  expect(messages).toEqual([payload]);
});
