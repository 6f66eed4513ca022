/**
 * Pictures for the image scenarios: noisy PNGs of one dominant colour (noise, so the file is
 * large enough that a document holding its bytes would show), pasting them into a page as the
 * system clipboard would, and reading an image's state in a page.
 */
import { createHash } from 'node:crypto';
import { PNG } from 'pngjs';
import type { User } from './app.js';
import type { Image } from './pixels.js';

export type Tint = 'red' | 'blue';

const BASE: Record<Tint, [number, number, number]> = { red: [220, 40, 40], blue: [30, 70, 220] };

export function noisyPng(width: number, height: number, tint: Tint, seed = 1): Buffer {
  const png = new PNG({ width, height });
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state & 0x1f;
  };
  const [r, g, b] = BASE[tint];
  for (let i = 0; i < width * height; i++) {
    png.data[i * 4] = r + random() - 16;
    png.data[i * 4 + 1] = g + random() - 16;
    png.data[i * 4 + 2] = b + random() - 16;
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Pixels of the image's colour on a screenshot. */
export function tinted(image: Image, tint: Tint): number {
  let n = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
    if (tint === 'red' ? r > 150 && g < 110 && b < 110 : b > 150 && r < 110 && g < 140) n++;
  }
  return n;
}

/** Pastes `bytes` as a file on the clipboard, over the canvas, as Ctrl+V with a copied file does. */
export async function pasteImage(user: User, bytes: Buffer, name: string, type: string) {
  const box = await user.canvasBox();
  await user.page.mouse.move(box.x + box.w / 2, box.y + box.h / 2);
  await user.page.evaluate(
    ({ base64, name, type }) => {
      // Browser globals, which this file's Node types do not know.
      const page = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        ClipboardEvent: new (type: string, init: object) => unknown;
        document: { dispatchEvent(event: unknown): void };
      };
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new page.DataTransfer();
      transfer.items.add(new File([data], name, { type }));
      page.document.dispatchEvent(
        new page.ClipboardEvent('paste', {
          clipboardData: transfer,
          bubbles: true,
          cancelable: true,
        }),
      );
    },
    { base64: bytes.toString('base64'), name, type },
  );
}

/** Pastes text, as Ctrl+V with copied shapes does. */
export async function pasteText(user: User, text: string) {
  await user.page.evaluate((data) => {
    const page = globalThis as unknown as {
      DataTransfer: new () => { setData(type: string, value: string): void };
      ClipboardEvent: new (type: string, init: object) => unknown;
      document: { dispatchEvent(event: unknown): void };
    };
    const transfer = new page.DataTransfer();
    transfer.setData('text/plain', data);
    page.document.dispatchEvent(
      new page.ClipboardEvent('paste', {
        clipboardData: transfer,
        bubbles: true,
        cancelable: true,
      }),
    );
  }, text);
}

type Hooks = { __drawbridge?: { imageStatus(id: string): string } };

export function imageStatus(user: User, assetId: string): Promise<string> {
  return user.page.evaluate(
    (id) => (globalThis as unknown as Hooks).__drawbridge!.imageStatus(id),
    assetId,
  );
}
