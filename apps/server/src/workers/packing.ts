/**
 * Byte arrays across a thread boundary as one buffer: moved (transferred), not copied per
 * array, and arrays that are views into a shared pool are never transferred out from under it.
 */
export interface Packed {
  bytes: Uint8Array;
  lengths: number[];
}

export function pack(parts: readonly Uint8Array[]): Packed {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return { bytes, lengths: parts.map((part) => part.byteLength) };
}

/** What `packInTurns` copies per turn of the event loop: about 5 ms on the development host. */
const PACK_BYTES_PER_TURN = 1024 * 1024;

/**
 * `pack`, copying at most `bytesPerTurn` in each turn of the event loop. On the development
 * host a copy into fresh memory runs at about 200 MB/s (first touch of every page): packing the
 * 14 MB of a large paste's slices in one go held the event loop 83 ms. The parts must not change
 * until it resolves.
 */
export async function packInTurns(
  parts: readonly Uint8Array[],
  bytesPerTurn = PACK_BYTES_PER_TURN,
): Promise<Packed> {
  const lengths = parts.map((part) => part.byteLength);
  const total = lengths.reduce((sum, length) => sum + length, 0);
  if (total <= bytesPerTurn) return pack(parts);
  const bytes = new Uint8Array(total);
  let offset = 0;
  let inTurn = 0;
  for (const part of parts) {
    for (let at = 0; at < part.byteLength; ) {
      if (inTurn >= bytesPerTurn) {
        await new Promise((resolve) => setImmediate(resolve));
        inTurn = 0;
      }
      const length = Math.min(part.byteLength - at, bytesPerTurn - inTurn);
      bytes.set(part.subarray(at, at + length), offset);
      offset += length;
      at += length;
      inTurn += length;
    }
  }
  return { bytes, lengths };
}

export function unpack({ bytes, lengths }: Packed): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const length of lengths) {
    parts.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return parts;
}

/** The transfer list for a packed buffer. */
export const transferOf = (packed: Packed): ArrayBuffer[] => [packed.bytes.buffer as ArrayBuffer];
