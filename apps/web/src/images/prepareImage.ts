/**
 * A file the user added, made ready for a board: its real format from its bytes (a misnamed
 * file is what its bytes say), SVG drawn into a PNG here (an SVG can carry scripts, so the
 * server never takes one), pictures larger than 4096 px on a side scaled down, and its id:
 * the SHA-256 of the bytes, as the server computes it.
 */
import { DEFAULT_IMAGE_LIMITS, type ImageType, sniffImage } from '@drawbridge/protocol';
import { digest } from 'lib0/hash/sha256';

export interface PreparedImage {
  blob: Blob;
  assetId: string;
  type: ImageType;
  width: number;
  height: number;
}

/** The file cannot be added; the message is for the user. */
export class ImageRefused extends Error {
  override readonly name = 'ImageRefused';
}

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

async function sha256(bytes: Uint8Array): Promise<string> {
  // WebCrypto exists only in secure contexts; a server on plain HTTP in a LAN still works.
  if (globalThis.crypto?.subtle) {
    return hex(
      new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)),
    );
  }
  return hex(digest(bytes));
}

function canvasOf(width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

function encode(canvas: HTMLCanvasElement, type: string): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) =>
        blob ? resolve(blob) : reject(new ImageRefused('The image could not be encoded.')),
      type,
      0.9,
    ),
  );
}

/** Draws `source` at `width` x `height` and encodes it (JPEG stays JPEG; the rest become PNG). */
async function redraw(
  source: CanvasImageSource,
  width: number,
  height: number,
  type: ImageType,
): Promise<Blob> {
  const canvas = canvasOf(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new ImageRefused('This browser cannot draw images.');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, width, height);
  return encode(canvas, type === 'image/jpeg' ? 'image/jpeg' : 'image/png');
}

const fit = (width: number, height: number, max: number) => {
  const scale = Math.min(1, max / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
};

/** An SVG drawn as a picture: as an `<img>`, so nothing in it runs. */
async function rasteriseSvg(bytes: Uint8Array, maxSide: number): Promise<Blob> {
  const url = URL.createObjectURL(
    new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/svg+xml' }),
  );
  try {
    const img = new Image();
    img.src = url;
    await img.decode().catch(() => {
      throw new ImageRefused('This SVG could not be read.');
    });
    // An SVG without a size draws at the browser's default for replaced elements.
    const { width, height } = fit(img.naturalWidth || 300, img.naturalHeight || 150, maxSide);
    return await redraw(img, width, height, 'image/png');
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function prepareImage(
  file: Blob,
  maxSide: number = DEFAULT_IMAGE_LIMITS.maxUploadSide,
): Promise<PreparedImage> {
  let bytes = new Uint8Array(await file.arrayBuffer());
  let sniffed = sniffImage(bytes);
  if (!sniffed.ok && sniffed.reason === 'svg') {
    bytes = new Uint8Array(await (await rasteriseSvg(bytes, maxSide)).arrayBuffer());
    sniffed = sniffImage(bytes);
  }
  if (!sniffed.ok) {
    throw new ImageRefused(
      sniffed.reason === 'malformed'
        ? 'This image file is damaged.'
        : 'Only PNG, JPEG, GIF, WebP and SVG images can be added.',
    );
  }
  if (Math.max(sniffed.width, sniffed.height) > maxSide) {
    const source = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: sniffed.type });
    const bitmap = await createImageBitmap(source).catch(() => {
      throw new ImageRefused('This image could not be read.');
    });
    try {
      const { width, height } = fit(bitmap.width, bitmap.height, maxSide);
      bytes = new Uint8Array(
        await (await redraw(bitmap, width, height, sniffed.type)).arrayBuffer(),
      );
    } finally {
      bitmap.close();
    }
    sniffed = sniffImage(bytes);
    if (!sniffed.ok) throw new ImageRefused('The image could not be scaled down.');
  }
  return {
    blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: sniffed.type }),
    assetId: await sha256(bytes),
    type: sniffed.type,
    width: sniffed.width,
    height: sniffed.height,
  };
}
