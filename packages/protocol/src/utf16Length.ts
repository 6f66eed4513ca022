/**
 * The length in UTF-16 units of the UTF-8 bytes `[from, to)`, or -1 when a fatal `TextDecoder`
 * (Yjs's) would refuse them: a byte that cannot start a sequence, a sequence cut short, an
 * overlong form, a surrogate or a code point past U+10FFFF (the WHATWG decoder's rules). A BOM
 * counts as the one unit it decodes to (Yjs's decoder keeps it).
 */
export function utf16Length(bytes: Uint8Array, from: number, to: number): number {
  let units = 0;
  let i = from;
  while (i < to) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      units += 1;
    } else if (b < 0xc2) {
      return -1;
    } else if (b < 0xe0) {
      if (i + 1 >= to || (bytes[i + 1]! & 0xc0) !== 0x80) return -1;
      i += 2;
      units += 1;
    } else if (b < 0xf0) {
      if (i + 2 >= to) return -1;
      const b1 = bytes[i + 1]!;
      const low = b === 0xe0 ? 0xa0 : 0x80;
      const high = b === 0xed ? 0x9f : 0xbf;
      if (b1 < low || b1 > high || (bytes[i + 2]! & 0xc0) !== 0x80) return -1;
      i += 3;
      units += 1;
    } else if (b < 0xf5) {
      if (i + 3 >= to) return -1;
      const b1 = bytes[i + 1]!;
      const low = b === 0xf0 ? 0x90 : 0x80;
      const high = b === 0xf4 ? 0x8f : 0xbf;
      if (b1 < low || b1 > high) return -1;
      if ((bytes[i + 2]! & 0xc0) !== 0x80 || (bytes[i + 3]! & 0xc0) !== 0x80) return -1;
      i += 4;
      units += 2;
    } else {
      return -1;
    }
  }
  return units;
}
