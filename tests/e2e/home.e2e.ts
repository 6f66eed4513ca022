/**
 * The home page in real Chromium: it lists the boards this browser opened, with their names
 * and thumbnails, most recent first; search narrows it by name, an entry can be removed, and
 * another browser's list is its own (nothing comes from the server).
 */
import { describe, expect, it, vi } from 'vitest';
import { type PageGlobals, type User, WAIT_MS } from './utils/app.js';
import { decodePng, inkMask } from './utils/pixels.js';
import { useE2E } from './utils/session.js';

const e2e = useE2E('home');

/** Waits until this browser's list holds the board with a thumbnail. */
/**
 * Waits until the browser has stored a thumbnail of the board with its shapes on it: one taken
 * before the drawing (the page takes one a second after each change) does not count.
 */
async function waitForThumbnail(user: User, boardId: string): Promise<void> {
  await vi.waitFor(
    async () => {
      const ink = await user.page.evaluate(async (id) => {
        // Browser globals, which this file's Node types do not know.
        type Req<T> = { result: T; onsuccess: () => void; onerror: () => void };
        type Db = {
          objectStoreNames: { contains(name: string): boolean };
          transaction(name: string): {
            objectStore(name: string): { get(key: string): Req<{ thumbnail?: Blob }> };
          };
        };
        type Bitmap = { width: number; height: number };
        type Ctx2d = {
          drawImage(image: Bitmap, x: number, y: number): void;
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
        const g = globalThis as unknown as {
          indexedDB: { open(name: string): Req<Db> };
          createImageBitmap(blob: Blob): Promise<Bitmap>;
          OffscreenCanvas: new (w: number, h: number) => { getContext(kind: '2d'): Ctx2d };
        };
        const thumbnail = await new Promise<Blob | null>((resolve) => {
          const open = g.indexedDB.open('drawbridge-home');
          open.onerror = () => resolve(null);
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains('boards')) return resolve(null);
            const get = db.transaction('boards').objectStore('boards').get(id);
            get.onsuccess = () => resolve(get.result?.thumbnail ?? null);
            get.onerror = () => resolve(null);
          };
        });
        if (!thumbnail) return 0;
        const bitmap = await g.createImageBitmap(thumbnail);
        const ctx = new g.OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
        ctx.drawImage(bitmap, 0, 0);
        const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
        let count = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i]! < 200 || data[i + 1]! < 200 || data[i + 2]! < 200) count++;
        }
        return count;
      }, boardId);
      expect(ink).toBeGreaterThan(200);
    },
    { timeout: WAIT_MS, interval: 100 },
  );
}

async function nameBoard(user: User, name: string): Promise<void> {
  await user.page.evaluate(
    (value) => (globalThis as unknown as PageGlobals).__drawbridge!.model.setName(value),
    name,
  );
}

describe('home page', () => {
  it('lists the boards visited in this browser with names and thumbnails', async () => {
    const a = await e2e.user('A');
    await a.open(`${e2e.url}/new`);
    const roadmap = a.boardId;
    await nameBoard(a, 'Roadmap');
    await a.drawBox('rect', { x: 300, y: 250 }, { x: 700, y: 550 });
    await a.waitForSaved();
    await waitForThumbnail(a, roadmap);

    await a.open(`${e2e.url}/new`);
    const retro = a.boardId;
    expect(retro).not.toBe(roadmap);
    await nameBoard(a, 'Retro');
    await a.drawBox('ellipse', { x: 400, y: 250 }, { x: 800, y: 550 });
    await a.waitForSaved();
    await waitForThumbnail(a, retro);

    await a.page.goto(`${e2e.url}/`);
    await a.byTestId('home').waitFor({ timeout: WAIT_MS });
    const names = a.byTestId('home-name');
    await vi.waitFor(async () =>
      expect(await names.allTextContents()).toEqual(['Retro', 'Roadmap']),
    );
    // Each card shows a thumbnail of its board: a white picture with the shape's ink on it.
    const thumbnails = a.byTestId('home-thumbnail');
    expect(await thumbnails.count()).toBe(2);
    for (const thumbnail of await thumbnails.all()) {
      await vi.waitFor(async () =>
        expect(
          await thumbnail.evaluate(
            (img) => (img as unknown as { naturalWidth: number }).naturalWidth,
          ),
        ).toBe(320),
      );
      const shot = decodePng(await thumbnail.screenshot());
      expect(inkMask(shot).count).toBeGreaterThan(200);
    }
    expect(await a.page.locator('.home-visit').first().textContent()).toMatch(/Last opened/);

    // Search by name.
    await a.byTestId('home-search').fill('road');
    await vi.waitFor(async () => expect(await names.allTextContents()).toEqual(['Roadmap']));
    await a.byTestId('home-search').fill('');

    // Remove from the list: gone, and still gone after a reload; the board itself stays.
    await a.page
      .locator(
        `[data-testid="home-board"]:has([data-board="${retro}"]) [data-testid="home-remove"]`,
      )
      .click();
    await vi.waitFor(async () => expect(await names.allTextContents()).toEqual(['Roadmap']));
    await a.page.reload();
    await a.byTestId('home').waitFor({ timeout: WAIT_MS });
    await vi.waitFor(async () => expect(await names.allTextContents()).toEqual(['Roadmap']));

    // A card opens its board.
    await a.page.locator(`[data-board="${roadmap}"]`).click();
    await a.page.waitForURL(new RegExp(`/b/${roadmap}`), { timeout: WAIT_MS });
    await a.waitForHooks();
    await a.waitForStatus('live');
    expect((await a.shapes()).map((s) => s.type)).toEqual(['rect']);

    // Another browser has its own (empty) list: nothing is listed from the server.
    const b = await e2e.user('B');
    await b.page.goto(`${e2e.url}/`);
    await b.byTestId('home-empty').waitFor({ timeout: WAIT_MS });
    expect(await b.byTestId('home-board').count()).toBe(0);
    // "New board" creates one directly.
    await b.byTestId('home-new').click();
    await b.page.waitForURL(/\/b\/[^/?#]+/, { timeout: WAIT_MS });
    await b.waitForHooks();
  });
});
