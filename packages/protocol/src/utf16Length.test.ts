import { expect, it } from 'vitest';
import { utf16Length } from './utf16Length.js';

it("counts and checks UTF-8 exactly as Yjs's fatal TextDecoder does, byte by byte", () => {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const expected = (bytes: Uint8Array): number => {
    try {
      return decoder.decode(bytes).length;
    } catch {
      return -1;
    }
  };
  const check = (bytes: Uint8Array) => {
    const got = utf16Length(bytes, 0, bytes.length);
    if (got !== expected(bytes)) {
      expect({ bytes: [...bytes], got }).toEqual({ bytes: [...bytes], got: expected(bytes) });
    }
  };
  // Every sequence of one and two bytes; three-byte ones past ASCII with every second byte
  // and a third byte of each kind (ASCII, each end of the continuation range, a lead, 0xff).
  const kinds = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff];
  for (let a = 0; a < 256; a++) {
    check(Uint8Array.of(a));
    for (let b = 0; b < 256; b++) {
      check(Uint8Array.of(a, b));
      if (a >= 0xc0) for (const c of kinds) check(Uint8Array.of(a, b, c));
    }
  }
  // Four-byte leads with every second byte, and continuations or not after it.
  for (let a = 0xf0; a < 0x100; a++) {
    for (let b = 0; b < 256; b++) {
      for (const c of [0x41, 0x80, 0xbf, 0xc0]) {
        for (const d of [0x41, 0x80, 0xbf]) check(Uint8Array.of(a, b, c, d));
        check(Uint8Array.of(a, b, c));
      }
    }
  }
  // Seeded random runs of mostly non-ASCII bytes, counted inside a larger buffer.
  let seed = 7;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 8;
  };
  const starts = [0x41, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
  for (let i = 0; i < 20_000; i++) {
    const length = 1 + (next() % 12);
    const bytes = Uint8Array.from({ length }, () =>
      next() % 3 === 0 ? starts[next() % starts.length]! : 0x80 + (next() % 64),
    );
    const padded = Uint8Array.of(0xff, ...bytes, 0xff);
    const got = utf16Length(padded, 1, 1 + length);
    if (got !== expected(bytes)) expect({ bytes: [...bytes], got }).toBe(expected(bytes));
  }
  // Text Yjs writes: the length is the string's, surrogate pairs as two.
  for (const text of ['', 'a', 'é', '€', '😀', 'a😀é€', '\ufeffBOM', 'x'.repeat(70)]) {
    const bytes = new TextEncoder().encode(text);
    expect(utf16Length(bytes, 0, bytes.length)).toBe(text.length);
  }
});
