/** PNG decoding and the little pixel arithmetic the tests need. */
import { PNG } from 'pngjs';

export interface Image {
  width: number;
  height: number;
  /** RGBA, row-major. */
  data: Buffer;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function decodePng(bytes: Buffer): Image {
  const png = PNG.sync.read(bytes);
  return { width: png.width, height: png.height, data: png.data };
}

export function pixel(image: Image, x: number, y: number): [number, number, number, number] {
  const i = (y * image.width + x) * 4;
  return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!, image.data[i + 3]!];
}

/** A set of pixels, e.g. where ink appeared. */
export class Mask {
  readonly bits: Uint8Array;
  count = 0;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.bits = new Uint8Array(width * height);
  }

  set(x: number, y: number): void {
    const i = y * this.width + x;
    if (this.bits[i]) return;
    this.bits[i] = 1;
    this.count++;
  }

  has(x: number, y: number): boolean {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return false;
    return this.bits[yi * this.width + xi] === 1;
  }

  /** Whether any pixel within `radius` (a square) of (x, y) is set. */
  near(x: number, y: number, radius: number): boolean {
    for (let dy = -radius; dy <= radius; dy++) {
      for (let dx = -radius; dx <= radius; dx++) if (this.has(x + dx, y + dy)) return true;
    }
    return false;
  }

  /** Set pixels inside `box` (clipped). */
  countIn(box: Box): number {
    let n = 0;
    const x0 = Math.max(0, Math.ceil(box.x));
    const y0 = Math.max(0, Math.ceil(box.y));
    const x1 = Math.min(this.width, Math.floor(box.x + box.w));
    const y1 = Math.min(this.height, Math.floor(box.y + box.h));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) n += this.bits[y * this.width + x]!;
    }
    return n;
  }

  /** The bounding box of the set pixels, or null when none is set. */
  bounds(): Box | null {
    let minX = this.width;
    let minY = this.height;
    let maxX = -1;
    let maxY = -1;
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        if (!this.bits[y * this.width + x]) continue;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
    return maxX < 0 ? null : { x: minX, y: minY, w: maxX - minX + 1, h: maxY - minY + 1 };
  }
}

const luminance = (r: number, g: number, b: number): number => 0.2126 * r + 0.7152 * g + 0.0722 * b;

/**
 * Ink that appeared between two screenshots of the same element: pixels that are dark now and
 * clearly differ from before. "Dark" keeps light changes (a grid redrawn after a camera move,
 * a selection tint) from counting; shapes are drawn in the default stroke colour, #1e1e1e.
 */
export function inkAdded(before: Image, after: Image, options = { dark: 128, delta: 64 }): Mask {
  if (before.width !== after.width || before.height !== after.height) {
    throw new Error(
      `screenshots differ in size: ${before.width}x${before.height} vs ${after.width}x${after.height}`,
    );
  }
  const mask = new Mask(after.width, after.height);
  for (let y = 0; y < after.height; y++) {
    for (let x = 0; x < after.width; x++) {
      const i = (y * after.width + x) * 4;
      const r = after.data[i]!;
      const g = after.data[i + 1]!;
      const b = after.data[i + 2]!;
      if (luminance(r, g, b) >= options.dark) continue;
      const delta =
        Math.abs(r - before.data[i]!) +
        Math.abs(g - before.data[i + 1]!) +
        Math.abs(b - before.data[i + 2]!);
      if (delta >= options.delta) mask.set(x, y);
    }
  }
  return mask;
}

/** Pixels that are not (nearly) white, e.g. content of an export with a white background. */
export function nonWhite(image: Image, tolerance = 24): Mask {
  const mask = new Mask(image.width, image.height);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = (y * image.width + x) * 4;
      const min = Math.min(image.data[i]!, image.data[i + 1]!, image.data[i + 2]!);
      if (255 - min > tolerance) mask.set(x, y);
    }
  }
  return mask;
}

/** Dark pixels (luminance below `dark`): ink in the light theme, where the grid is light. */
export function darkPixels(image: Image, dark = 128): number {
  let n = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    if (luminance(image.data[i]!, image.data[i + 1]!, image.data[i + 2]!) < dark) n++;
  }
  return n;
}

/** Clearly coloured pixels (not grey, not white): a laser trail or a coloured outline. */
export function colored(image: Image, minChroma = 90): Mask {
  const mask = new Mask(image.width, image.height);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = (y * image.width + x) * 4;
      const r = image.data[i]!;
      const g = image.data[i + 1]!;
      const b = image.data[i + 2]!;
      if (Math.max(r, g, b) - Math.min(r, g, b) >= minChroma) mask.set(x, y);
    }
  }
  return mask;
}

/** Dark pixels (ink in the light theme) as a mask. */
export function inkMask(image: Image, dark = 128): Mask {
  const mask = new Mask(image.width, image.height);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = (y * image.width + x) * 4;
      if (luminance(image.data[i]!, image.data[i + 1]!, image.data[i + 2]!) < dark) mask.set(x, y);
    }
  }
  return mask;
}
