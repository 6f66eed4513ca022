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
