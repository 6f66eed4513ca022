import { describe, expect, it } from 'vitest';
import { wsBinaryFrame } from './wsFrame.js';

describe('wsBinaryFrame', () => {
  // RFC 6455 §5.2: FIN + opcode 2, no mask, then the length in 7, 7+16 or 7+64 bits.
  const cases: [number, number[]][] = [
    [0, [0x82, 0]],
    [125, [0x82, 125]],
    [126, [0x82, 126, 0, 126]],
    [0xffff, [0x82, 126, 0xff, 0xff]],
    [0x10000, [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]],
    [300_000, [0x82, 127, 0, 0, 0, 0, 0, 0x04, 0x93, 0xe0]],
  ];
  for (const [length, header] of cases) {
    it(`frames ${length} bytes with a ${header.length}-byte header`, () => {
      const payload = new Uint8Array(length).map((_, i) => (i * 31 + 7) & 0xff);
      const frame = wsBinaryFrame(payload);
      expect([...frame.subarray(0, header.length)]).toEqual(header);
      expect(frame.byteLength).toBe(header.length + length);
      expect(Buffer.compare(frame.subarray(header.length), payload)).toBe(0);
    });
  }

  it('frames only the bytes of a view, not its whole buffer', () => {
    const whole = new Uint8Array([9, 9, 1, 2, 3, 9]);
    expect([...wsBinaryFrame(whole.subarray(2, 5))]).toEqual([0x82, 3, 1, 2, 3]);
  });
});
