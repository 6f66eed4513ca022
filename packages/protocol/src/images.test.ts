import { describe, expect, it } from 'vitest';
import { ImageType, sniffImage } from './images.js';
import { SAMPLE_IMAGES, SVG_WITH_SCRIPT } from './testing/sampleImages.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('sniffImage', () => {
  it.each(Object.entries(SAMPLE_IMAGES))('reads %s: its type and size', (_name, sample) => {
    expect(sniffImage(sample.bytes)).toEqual({
      ok: true,
      type: sample.type,
      width: sample.width,
      height: sample.height,
    });
  });

  it('reads the canvas size of an extended WebP (VP8X)', () => {
    const head = new Uint8Array(30);
    head.set(text('RIFF'), 0);
    head.set(text('WEBPVP8X'), 8);
    head.set([0x7f, 0x07, 0x00], 24); // 1919 + 1
    head.set([0x37, 0x04, 0x00], 27); // 1079 + 1
    expect(sniffImage(head)).toEqual({ ok: true, type: ImageType.WEBP, width: 1920, height: 1080 });
  });

  it('names SVG, with or without a prolog, a BOM or a doctype, as SVG', () => {
    for (const svg of [
      SVG_WITH_SCRIPT,
      text('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      text('\uFEFF  <!DOCTYPE svg><!-- hi --><SVG width="1">'),
    ]) {
      const result = sniffImage(svg);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toBe('svg');
    }
  });

  it('refuses what is no image: text, HTML, PDF, nothing', () => {
    for (const bytes of [
      text('hello'),
      text('<html><body>hi</body></html>'),
      text('%PDF-1.7'),
      new Uint8Array(0),
    ]) {
      expect(sniffImage(bytes)).toMatchObject({ ok: false, reason: 'unknown' });
    }
  });

  it('refuses a signature whose header is cut short or damaged', () => {
    const cut = (bytes: Uint8Array, n: number) => bytes.subarray(0, n);
    expect(sniffImage(cut(SAMPLE_IMAGES.png.bytes, 20))).toMatchObject({ reason: 'malformed' });
    expect(sniffImage(cut(SAMPLE_IMAGES.gif.bytes, 8))).toMatchObject({ reason: 'malformed' });
    expect(sniffImage(cut(SAMPLE_IMAGES.jpeg.bytes, 40))).toMatchObject({ reason: 'malformed' });
    expect(sniffImage(cut(SAMPLE_IMAGES.webp.bytes, 24))).toMatchObject({ reason: 'malformed' });
    // A PNG whose first chunk is not IHDR, and one that claims a zero width.
    const notIhdr = SAMPLE_IMAGES.png.bytes.slice();
    notIhdr.set(text('IDAT'), 12);
    expect(sniffImage(notIhdr)).toMatchObject({ reason: 'malformed' });
    const zero = SAMPLE_IMAGES.png.bytes.slice();
    zero.set([0, 0, 0, 0], 16);
    expect(sniffImage(zero)).toMatchObject({ reason: 'malformed' });
    // JPEG with image data before any frame header.
    expect(
      sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 0, 0, 0, 0])),
    ).toMatchObject({ reason: 'malformed' });
  });

  it('never throws on random bytes behind a valid signature', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    const signatures = [
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      [0xff, 0xd8, 0xff],
      [...text('GIF89a')],
      [...text('RIFF'), 0, 0, 0, 0, ...text('WEBP')],
    ];
    for (let i = 0; i < 400; i++) {
      const signature = signatures[i % signatures.length]!;
      const bytes = new Uint8Array(signature.length + (i % 64));
      bytes.set(signature);
      for (let j = signature.length; j < bytes.length; j++) bytes[j] = random();
      const result = sniffImage(bytes);
      if (result.ok) expect(result.width).toBeGreaterThan(0);
    }
  });
});
