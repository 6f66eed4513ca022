import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface Upload {
  bytes: Uint8Array;
  /** SHA-256 of the bytes, lowercase hex. */
  sha256: string;
}

/**
 * Reads a request's body of at most `maxBytes` as it arrives, one chunk per turn of the event
 * loop: each is copied into one buffer (sized from Content-Length) and hashed on arrival.
 * Reading it whole first (the Fetch API's `arrayBuffer()`) and hashing it then (WebCrypto copies
 * its input on the calling thread) held the event loop 60-80 ms for an 8 MB image: every board's
 * round trips waited. 'too-large' when the body is, or says it is, larger than `maxBytes`; the
 * rest of it is then left unread (Node discards it).
 */
export function readUpload(
  incoming: IncomingMessage,
  maxBytes: number,
): Promise<Upload | 'too-large'> {
  const declared = Number(incoming.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) return Promise.resolve('too-large');
  const sized = Number.isSafeInteger(declared) && declared >= 0;
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let buffer = new Uint8Array(sized ? declared : 64 * 1024);
    let received = 0;
    let settled = false;
    const stop = () => {
      settled = true;
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('close', onClose);
      incoming.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      const total = received + chunk.byteLength;
      if (total > maxBytes || (sized && total > declared)) {
        stop();
        incoming.resume(); // the rest is read and dropped
        resolve('too-large');
        return;
      }
      if (total > buffer.byteLength) {
        // No Content-Length (a chunked body): grown by doubling, within the limit.
        const grown = new Uint8Array(Math.min(maxBytes, Math.max(total, buffer.byteLength * 2)));
        grown.set(buffer.subarray(0, received));
        buffer = grown;
      }
      buffer.set(chunk, received);
      hash.update(chunk);
      received = total;
      // One chunk per turn of the event loop: libuv reads up to 32 chunks of a fast socket in
      // one go, and copying 2 MB into fresh memory takes 7-20 ms on a virtual machine.
      incoming.pause();
      setImmediate(resume);
    };
    const resume = () => {
      if (!settled) incoming.resume();
    };
    const onEnd = () => {
      stop();
      // The bytes own their buffer (a chunked body's may have room to spare).
      const bytes = received === buffer.byteLength ? buffer : buffer.slice(0, received);
      resolve({ bytes, sha256: hash.digest('hex') });
    };
    const onClose = () => {
      stop();
      reject(new Error('the upload was cut off before its end'));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    incoming.on('data', onData);
    incoming.once('end', onEnd);
    incoming.once('close', onClose);
    incoming.once('error', onError);
  });
}
