/**
 * Frames of large packets that can be sent again as they are. Fifty joiners of a board each get
 * the same megabytes (the board's kept encoding) in their join answer: encoding it fifty times
 * writes fifty fresh buffers of that size, and on a VM first writes into fresh memory cost page
 * faults (about 7 ms per 2 MB here, where copying into memory already touched takes 0.2 ms).
 * A packet whose large byte array its owner promised never to change (`markImmutable`), and
 * whose other fields encode to the same bytes as last time, gets the frame made last time.
 *
 * A frame is never changed after it is made (Engine.IO and ws write it out as it is, as
 * Socket.IO's own broadcasts do with one frame for many sockets), so one frame may be queued on
 * many connections.
 */

const immutable = new WeakSet<Uint8Array>();

/**
 * Promises that `bytes` will never change from now on, so frames carrying them may be reused.
 * Returns `bytes`.
 */
export function markImmutable<T extends Uint8Array>(bytes: T): T {
  immutable.add(bytes);
  return bytes;
}

export function isImmutable(bytes: Uint8Array): boolean {
  return immutable.has(bytes);
}

/** The largest byte array in `value` (nesting at most `depth` levels) marked immutable. */
export function largestImmutable(value: unknown, depth: number): Uint8Array | null {
  if (value instanceof Uint8Array) return immutable.has(value) ? value : null;
  if (depth === 0 || value === null || typeof value !== 'object') return null;
  let largest: Uint8Array | null = null;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const found = largestImmutable(item, depth - 1);
    if (found && found.byteLength > (largest?.byteLength ?? -1)) largest = found;
  }
  return largest;
}

const PLACEHOLDER = new Uint8Array(0);

/**
 * `value` with every occurrence of `bytes` replaced by an empty byte array: what is left is
 * small to encode, and, with the identity of `bytes`, names the frame.
 */
export function withoutBytes(value: unknown, bytes: Uint8Array, depth: number): unknown {
  if (value === bytes) return PLACEHOLDER;
  if (depth === 0 || value === null || typeof value !== 'object' || value instanceof Uint8Array) {
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => withoutBytes(item, bytes, depth - 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = withoutBytes(item, bytes, depth - 1);
  return copy;
}

interface Made {
  /** The packet encoded without its large bytes. */
  envelope: Uint8Array;
  frame: Uint8Array;
}

/** The last frame made around each immutable byte array, kept as long as the array lives. */
export class SharedFrames {
  readonly #made = new WeakMap<Uint8Array, Made>();

  /** The frame made for `envelope` around `bytes`, if the last one made was for the same. */
  get(bytes: Uint8Array, envelope: Uint8Array): Uint8Array | null {
    const made = this.#made.get(bytes);
    return made && sameBytes(made.envelope, envelope) ? made.frame : null;
  }

  set(bytes: Uint8Array, envelope: Uint8Array, frame: Uint8Array): void {
    this.#made.set(bytes, { envelope, frame });
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
