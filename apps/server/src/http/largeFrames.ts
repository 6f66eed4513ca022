import { webSocketOf } from './engineTransport.js';

/**
 * ws reads a frame's payload once all of it has arrived, then copies the chunks it came in into
 * one new buffer in one go. For a large message (a paste; a message may be 16 MB) that copy held
 * the event loop: on the development host a copy into fresh memory runs at about 200 MB/s (the
 * first touch of every page), 53-76 ms for a 14 MB paste. Here a large frame's payload is
 * copied into its buffer as each chunk arrives instead (a 64 KB chunk at a time), and ws is
 * handed the whole payload as one chunk: it then takes it as it is, without a copy, and goes on
 * exactly as before (unmasking, the message event). Frames under 256 KB are left to ws.
 */
export const LARGE_FRAME_BYTES = 256 * 1024;

/** What this reads and writes of ws's `Receiver` (ws 8). */
interface Receiver {
  _payloadLength: number;
  _bufferedBytes: number;
  _buffers: Buffer[];
  _loop: boolean;
  getData(cb: unknown): void;
  /** The large payload being gathered: its buffer and how much of it has arrived. */
  _drawbridgePayload?: { bytes: Buffer; filled: number } | null;
}

const patched = new WeakSet<object>();

/** Makes the receivers of `transport`'s kind (every ws receiver) gather large payloads early. */
export function gatherLargeFrames(transport: unknown): void {
  const receiver = webSocketOf(transport)?._receiver as Receiver | undefined;
  if (!receiver) return;
  const prototype = Object.getPrototypeOf(receiver) as Receiver;
  if (patched.has(prototype)) return;
  patched.add(prototype);
  if (!isExpectedReceiver(receiver)) return;
  const getData = prototype.getData;
  prototype.getData = function (this: Receiver, cb: unknown): void {
    if (this._payloadLength < LARGE_FRAME_BYTES) {
      getData.call(this, cb);
      return;
    }
    gather(this);
    const payload = this._drawbridgePayload!;
    if (payload.filled < payload.bytes.length) {
      this._loop = false; // wait for the next chunk, as ws does
      return;
    }
    this._drawbridgePayload = null;
    this._buffers.unshift(payload.bytes);
    this._bufferedBytes += payload.bytes.length;
    getData.call(this, cb);
  };
}

/** Moves the chunks buffered so far into the frame's payload, up to its end. */
function gather(receiver: Receiver): void {
  const length = receiver._payloadLength;
  receiver._drawbridgePayload ??= { bytes: Buffer.allocUnsafe(length), filled: 0 };
  const payload = receiver._drawbridgePayload;
  const buffers = receiver._buffers;
  while (payload.filled < length && buffers.length > 0) {
    const chunk = buffers[0]!;
    const take = Math.min(chunk.length, length - payload.filled);
    payload.bytes.set(take === chunk.length ? chunk : chunk.subarray(0, take), payload.filled);
    payload.filled += take;
    receiver._bufferedBytes -= take;
    // What is left of the chunk belongs to the frames after this one.
    if (take === chunk.length) buffers.shift();
    else buffers[0] = chunk.subarray(take);
  }
}

/** The fields this relies on are there: another ws would be left as it is. */
function isExpectedReceiver(receiver: Partial<Receiver>): boolean {
  return (
    typeof receiver.getData === 'function' &&
    typeof receiver._payloadLength === 'number' &&
    typeof receiver._bufferedBytes === 'number' &&
    Array.isArray(receiver._buffers)
  );
}
