/**
 * Images in real Chromium on two pages: a pasted PNG reaches the other page and the server,
 * the document holds only its reference, it still shows after a reload offline, and an image
 * added offline reaches the other page (picture first, then shape) after reconnecting.
 */
import type { Shape } from '@drawbridge/board';
import { describe, expect, it, vi } from 'vitest';
import {
  expectConverged,
  type PageGlobals,
  RECONNECT_MS,
  type User,
  WAIT_MS,
} from './utils/app.js';
import {
  imageStatus,
  noisyPng,
  pasteImage,
  pasteText,
  sha256,
  type Tint,
  tinted,
} from './utils/images.js';
import { decodePng } from './utils/pixels.js';
import { useE2E } from './utils/session.js';

const e2e = useE2E('images');

type ImageShape = Extract<Shape, { type: 'image' }>;

const imageWith = (assetId: string) => (shapes: Shape[]) =>
  shapes.some((shape) => shape.type === 'image' && shape.assetId === assetId);

/** Waits until the page draws the image: its state is ready and its colour is on the canvas. */
async function expectShown(user: User, assetId: string, tint: Tint): Promise<void> {
  await vi.waitFor(async () => expect(await imageStatus(user, assetId)).toBe('ready'), {
    timeout: WAIT_MS,
    interval: 50,
  });
  await vi.waitFor(
    async () => expect(tinted(await user.canvasPixels(), tint)).toBeGreaterThan(2000),
    {
      timeout: WAIT_MS,
      interval: 100,
    },
  );
}

describe('images', () => {
  it('a pasted PNG reaches B and the server, is only a reference, shows offline, and copies to another board', async () => {
    const { a, b } = await e2e.pair();
    await a.waitForServiceWorker();
    const red = noisyPng(240, 160, 'red');
    const redId = sha256(red);

    await pasteImage(a, red, 'red.png', 'image/png');
    const [shape] = (await a.waitForShapes('the pasted image', imageWith(redId))).filter(
      (s): s is ImageShape => s.type === 'image',
    );
    expect(shape).toMatchObject({ naturalWidth: 240, naturalHeight: 160, assetId: redId });
    await a.waitForSaved();
    await b.waitForShapes('the pasted image', imageWith(redId));
    await expectShown(b, redId, 'red');

    // The document holds the reference and the natural size, never the bytes.
    const held = await a.page.evaluate((id) => {
      const { doc } = (globalThis as unknown as PageGlobals).__drawbridge!;
      const map = doc.getMap('shapes').get(id) as { toJSON(): Record<string, unknown> };
      return {
        fields: Object.keys(map.toJSON()).sort(),
        json: JSON.stringify(doc.toJSON()).length,
      };
    }, shape!.id);
    expect(held.fields).toEqual([
      'assetId',
      'fill',
      'h',
      'index',
      'naturalHeight',
      'naturalWidth',
      'stroke',
      'strokeWidth',
      'type',
      'w',
      'x',
      'y',
    ]);
    expect(red.byteLength).toBeGreaterThan(10_000);
    expect(held.json).toBeLessThan(2_000);

    // Exports carry the picture: the SVG embeds it, the PNG shows it.
    await a.clearSelection().catch(() => undefined);
    const svg = await a.page.evaluate(() =>
      (globalThis as unknown as PageGlobals).__drawbridge!.exportSvg(),
    );
    expect(svg).toContain('<image ');
    expect(svg).toContain(`data:image/png;base64,${red.toString('base64').slice(0, 40)}`);
    const png = await a.page.evaluate(async () => {
      const blob = await (globalThis as unknown as PageGlobals).__drawbridge!.exportPng();
      return Array.from(new Uint8Array(await blob.arrayBuffer()));
    });
    expect(tinted(decodePng(Buffer.from(png)), 'red')).toBeGreaterThan(20_000);

    // The server holds the bytes under their hash.
    const served = await fetch(`${e2e.url}/api/boards/${a.boardId}/assets/${redId}`);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(red)).toBe(true);

    // A reloads offline: the app from the service worker, the board and the picture from
    // IndexedDB.
    await a.context.setOffline(true);
    await a.waitForStatus('offline');
    await a.page.reload({ waitUntil: 'load', timeout: WAIT_MS });
    await a.waitForHooks();
    await a.waitForShapes('the image after the reload', imageWith(redId));
    await a.clearSelection().catch(() => undefined);
    await expectShown(a, redId, 'red');
    await a.context.setOffline(false);
    await a.waitForStatus('live', { timeout: RECONNECT_MS });
    await expectConverged(a, b);

    // Copied to another board, the image comes with its picture: A's page uploads it there.
    const copied = await a.page.evaluate((id) => {
      const editor = (globalThis as unknown as PageGlobals).__drawbridge!.editor as unknown as {
        select(ids: string[]): void;
        commands: { copy(): string | null };
      };
      editor.select([id]);
      return editor.commands.copy();
    }, shape!.id);
    expect(copied).toContain(redId);
    await a.open(`${e2e.url}/new`);
    await pasteText(a, copied!);
    await a.waitForShapes('the image pasted on the new board', imageWith(redId));
    await vi.waitFor(
      async () =>
        expect((await fetch(`${e2e.url}/api/boards/${a.boardId}/assets/${redId}`)).status).toBe(
          200,
        ),
      { timeout: WAIT_MS, interval: 100 },
    );
  });

  it('an image added offline survives a reload and reaches B after reconnect, picture first', async () => {
    const { a, b } = await e2e.pair();
    await a.waitForServiceWorker();
    await a.context.setOffline(true);
    await a.waitForStatus('offline');
    const blue = noisyPng(200, 200, 'blue', 7);
    const blueId = sha256(blue);
    await pasteImage(a, blue, 'blue.png', 'image/png');
    await a.waitForShapes('the image added offline', imageWith(blueId));
    await a.clearSelection();
    await expectShown(a, blueId, 'blue');
    await a.waitForStatus('offline', { unsaved: (n) => n > 0 });
    // The upload owed is kept in IndexedDB: a reload while still offline loses nothing.
    await a.page.reload({ waitUntil: 'load', timeout: WAIT_MS });
    await a.waitForHooks();
    await a.waitForShapes('the image after the reload', imageWith(blueId));
    await expectShown(a, blueId, 'blue');
    // Nothing reached anyone: not the shape, not the picture.
    expect((await b.shapes()).some((s) => s.type === 'image')).toBe(false);
    expect((await fetch(`${e2e.url}/api/boards/${a.boardId}/assets/${blueId}`)).status).toBe(404);

    // B watches the image's state from the moment its shape arrives.
    await b.page.evaluate((id) => {
      const page = globalThis as unknown as PageGlobals & {
        seen: string[];
        requestAnimationFrame(fn: () => void): void;
      };
      const hooks = page.__drawbridge!;
      const seen: string[] = [];
      page.seen = seen;
      const look = () => {
        const has = hooks.model.shapes().some((s) => s.type === 'image' && s.assetId === id);
        if (has) seen.push(hooks.imageStatus(id));
        if (seen.at(-1) !== 'ready') page.requestAnimationFrame(look);
      };
      look();
    }, blueId);

    await a.context.setOffline(false);
    await a.waitForSaved(RECONNECT_MS);
    await b.waitForShapes('the image from A', imageWith(blueId));
    await expectShown(b, blueId, 'blue');
    const seen = await b.page.evaluate(() => (globalThis as unknown as { seen: string[] }).seen);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).not.toContain('missing');
    expect((await fetch(`${e2e.url}/api/boards/${a.boardId}/assets/${blueId}`)).status).toBe(200);
    await expectConverged(a, b);
  });
});
