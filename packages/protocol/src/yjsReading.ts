/**
 * The bounded readers the scans in `yjsBinary.ts` are made of: each reads one value of the
 * lib0 encoding Yjs uses, checks it against the bytes left and against what Yjs's own reader
 * would accept, and refuses anything else with a `BinaryFormatError` naming what it was reading.
 */
import * as decoding from 'lib0/decoding';
import { utf16Length } from './utf16Length.js';

/** Clocks above this are refused: no honest document gets near it, and it keeps arithmetic exact. */
export const MAX_CLOCK = 2 ** 40;

export class BinaryFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BinaryFormatError';
  }
}

export const fail = (message: string): never => {
  throw new BinaryFormatError(message);
};

export const remaining = (d: decoding.Decoder): number => d.arr.length - d.pos;

export const readUint = (d: decoding.Decoder, what: string): number => {
  if (remaining(d) <= 0) fail(`unexpected end of data reading ${what}`);
  try {
    return decoding.readVarUint(d);
  } catch {
    return fail(`invalid varint in ${what}`);
  }
};

/** A count of items that each take at least `minBytes` bytes: bounded by what is left. */
export const readCount = (d: decoding.Decoder, what: string, minBytes: number): number => {
  const n = readUint(d, what);
  if (n * minBytes > remaining(d)) fail(`${what} claims ${n} entries in ${remaining(d)} bytes`);
  return n;
};

export const readClock = (d: decoding.Decoder, what: string): number => {
  const n = readUint(d, what);
  if (n > MAX_CLOCK) fail(`${what} ${n} is out of range`);
  return n;
};

export const readBytes = (d: decoding.Decoder, what: string): Uint8Array =>
  decoding.readUint8Array(d, readLength(d, what));

/**
 * A byte length (of a string or binary value), checked against what is left. Its failures
 * name `${what} length`, built only then: the scan runs on every inbound update.
 */
export const readLength = (d: decoding.Decoder, what: string): number => {
  if (remaining(d) <= 0) fail(`unexpected end of data reading ${what} length`);
  let len: number;
  try {
    len = decoding.readVarUint(d);
  } catch {
    return fail(`invalid varint in ${what} length`);
  }
  if (len > remaining(d)) fail(`${what} claims ${len} bytes, ${remaining(d)} left`);
  return len;
};

export const readString = (d: decoding.Decoder, what: string): string => {
  const start = d.pos;
  readLength(d, what);
  d.pos = start;
  // Decode exactly as Yjs does, so string lengths (UTF-16 units, the clock unit) agree.
  try {
    return decoding.readVarString(d);
  } catch {
    return fail(`${what} is not valid UTF-8`);
  }
};

/** Strings up to this many bytes are checked here; longer ones by the platform's decoder. */
const CHECK_HERE_BYTES = 64;

/**
 * Skips a string whose text nothing reads (a key, a name, a value inside `any`), checking it as
 * `readString` does without making a JS string of it; returns its length in UTF-16 units.
 * Decoding each of an edit's dozen short strings through `TextDecoder` was most of the scan.
 */
export const skipString = (d: decoding.Decoder, what: string): number => {
  const start = d.pos;
  const len = readLength(d, what);
  if (len > CHECK_HERE_BYTES) {
    d.pos = start;
    return readString(d, what).length;
  }
  const units = utf16Length(d.arr, d.pos, d.pos + len);
  if (units < 0) fail(`${what} is not valid UTF-8`);
  d.pos += len;
  return units;
};

export const readJson = (d: decoding.Decoder, what: string, allowUndefined = false): void => {
  const text = readString(d, what);
  if (allowUndefined && text === 'undefined') return;
  try {
    JSON.parse(text);
  } catch {
    fail(`${what} is not valid JSON`);
  }
};
