/**
 * The image upload contract: which formats a board accepts, how a file's real format is told
 * from its bytes (never from a name or a declared type), and the default limits. Shared by the
 * server, which refuses what does not pass, and the app, which sends what it detected. Pure.
 */

export const ImageType = {
  PNG: 'image/png',
  JPEG: 'image/jpeg',
  GIF: 'image/gif',
  WEBP: 'image/webp',
} as const;
export type ImageType = (typeof ImageType)[keyof typeof ImageType];

export const IMAGE_TYPES: readonly ImageType[] = Object.values(ImageType);

export const isImageType = (value: unknown): value is ImageType =>
  IMAGE_TYPES.includes(value as ImageType);

export const DEFAULT_IMAGE_LIMITS = {
  /** Largest upload (bytes) of one image. */
  maxImageBytes: 10 * 1024 * 1024,
  /** Largest total (bytes) of the images one board holds. */
  maxBoardImageBytes: 200 * 1024 * 1024,
  /** Longest side (px) the app uploads; larger pictures are scaled down in the browser first. */
  maxUploadSide: 4096,
  /** Longest side (px) the server accepts from any client. */
  maxImageSide: 16_384,
} as const;

/** What the bytes are, with the picture's size, or why they are not an accepted image. */
export type SniffResult =
  | { ok: true; type: ImageType; width: number; height: number }
  | { ok: false; reason: 'svg' | 'unknown' | 'malformed'; message: string };

const malformed = (format: string): SniffResult => ({
  ok: false,
  reason: 'malformed',
  message: `the file starts like a ${format} but its header is damaged or cut short`,
});

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

const be16 = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const le16 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const le24 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
const be32 = (b: Uint8Array, i: number) => be16(b, i) * 65536 + be16(b, i + 2);

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function sized(type: ImageType, width: number, height: number, format: string): SniffResult {
  if (!(width > 0 && height > 0)) return malformed(format);
  return { ok: true, type, width, height };
}

function png(bytes: Uint8Array): SniffResult {
  // The first chunk must be IHDR: 13 bytes of which the first 8 are width and height.
  if (bytes.length < 33 || be32(bytes, 8) !== 13 || !startsWith(bytes, ascii('IHDR'), 12)) {
    return malformed('PNG');
  }
  return sized(ImageType.PNG, be32(bytes, 16), be32(bytes, 20), 'PNG');
}

function gif(bytes: Uint8Array): SniffResult {
  if (bytes.length < 13) return malformed('GIF');
  return sized(ImageType.GIF, le16(bytes, 6), le16(bytes, 8), 'GIF');
}

/** Start-of-frame markers: the ones that carry the picture's size. */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpeg(bytes: Uint8Array): SniffResult {
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return malformed('JPEG');
    const marker = bytes[i + 1]!;
    // Fill bytes and markers without a length.
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const length = be16(bytes, i + 2);
    if (length < 2) return malformed('JPEG');
    if (SOF.has(marker)) {
      if (i + 9 > bytes.length) return malformed('JPEG');
      return sized(ImageType.JPEG, be16(bytes, i + 7), be16(bytes, i + 5), 'JPEG');
    }
    // Image data before any frame header: not a picture we can size.
    if (marker === 0xda || marker === 0xd9) return malformed('JPEG');
    i += 2 + length;
  }
  return malformed('JPEG');
}

function webp(bytes: Uint8Array): SniffResult {
  if (bytes.length < 30) return malformed('WebP');
  if (startsWith(bytes, ascii('VP8 '), 12)) {
    // A key frame's start code, then 14-bit width and height.
    if (!startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) return malformed('WebP');
    return sized(ImageType.WEBP, le16(bytes, 26) & 0x3fff, le16(bytes, 28) & 0x3fff, 'WebP');
  }
  if (startsWith(bytes, ascii('VP8L'), 12)) {
    if (bytes[20] !== 0x2f) return malformed('WebP');
    const bits = bytes[21]! | (bytes[22]! << 8) | (bytes[23]! << 16) | (bytes[24]! << 24);
    return sized(ImageType.WEBP, (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1, 'WebP');
  }
  if (startsWith(bytes, ascii('VP8X'), 12)) {
    return sized(ImageType.WEBP, le24(bytes, 24) + 1, le24(bytes, 27) + 1, 'WebP');
  }
  return malformed('WebP');
}

/** Text that opens like markup whose root is `<svg`: XML prolog, comments and doctype allowed. */
function looksLikeSvg(bytes: Uint8Array): boolean {
  const head = new TextDecoder('utf-8', { fatal: false })
    .decode(bytes.subarray(0, 4096))
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  if (!head.startsWith('<')) return false;
  return /<svg[\s>/]/.test(head);
}

/**
 * The format and size of an image, from its bytes alone: PNG, JPEG, GIF or WebP. SVG is named
 * as such (it can carry scripts, so it is refused), anything else is unknown.
 */
export function sniffImage(bytes: Uint8Array): SniffResult {
  if (startsWith(bytes, PNG_SIGNATURE)) return png(bytes);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return jpeg(bytes);
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return gif(bytes);
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return webp(bytes);
  if (looksLikeSvg(bytes)) {
    return {
      ok: false,
      reason: 'svg',
      message: 'SVG images are not accepted (they can carry scripts); convert it to PNG first',
    };
  }
  return {
    ok: false,
    reason: 'unknown',
    message: 'this is not a PNG, JPEG, GIF or WebP image',
  };
}

/** A short name of a type, for messages ("PNG"). */
export const imageTypeName = (type: ImageType): string =>
  ({ 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/gif': 'GIF', 'image/webp': 'WebP' })[type];
