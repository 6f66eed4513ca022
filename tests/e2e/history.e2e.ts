/**
 * Version history in real Chromium on two pages: after edits a version is listed; shown on the
 * canvas it is the board as it was; restoring it brings a deleted shape back on both pages as
 * a new change, and the restorer's undo reverts the restore everywhere.
 */
import { describe, expect, it, vi } from 'vitest';
import { expectConverged, type PageGlobals, WAIT_MS } from './utils/app.js';
import { inkMask, type Mask } from './utils/pixels.js';
import { useE2E } from './utils/session.js';

// Versions while edited every second (the minimum), so the scenario needs no long wait.
const e2e = useE2E('history', { env: { VERSION_INTERVAL_MS: '1000' } });

/** Ink inside a canvas-relative box. */
function inkIn(mask: Mask, box: { x: number; y: number; w: number; h: number }): number {
  let n = 0;
  for (let y = box.y; y < box.y + box.h; y++) {
    for (let x = box.x; x < box.x + box.w; x++) if (mask.has(x, y)) n++;
  }
  return n;
}

describe('version history', () => {
  it('lists versions, restores one on both pages as a new change, and undo reverts it', async () => {
    const { a, b } = await e2e.pair();
    const box = await a.drawBox('rect', { x: 300, y: 300 }, { x: 460, y: 420 });
    const ring = await a.drawBox('ellipse', { x: 600, y: 300 }, { x: 760, y: 420 });
    await a.waitForSaved();
    await b.waitForIds([box.id, ring.id]);

    // The panel lists the version taken while both edited, with who edited.
    await a.byTestId('history').click();
    const listed = a.byTestId('history-version');
    await listed.first().waitFor({ timeout: 20_000 });
    const versionId = await listed.first().getAttribute('data-version');
    expect(versionId).toMatch(/^\d+$/);
    const name = await a.page.evaluate(
      () =>
        (
          (
            globalThis as unknown as PageGlobals
          ).__drawbridge!.provider.awareness.getLocalState() as {
            user: { name: string };
          }
        ).user.name,
    );
    expect(await listed.first().textContent()).toContain(name);

    // A deletes the ellipse: gone on both pages.
    await a.clearSelection();
    await a.click({ x: 600, y: 360 });
    await vi.waitFor(async () => expect(await a.selection()).toEqual([ring.id]), {
      timeout: WAIT_MS,
    });
    await a.page.keyboard.press('Delete');
    await a.waitForIds([box.id], [ring.id]);
    await b.waitForIds([box.id], [ring.id]);
    await a.waitForSaved();
    const ringArea = { x: 590, y: 290, w: 180, h: 140 };
    expect(inkIn(inkMask(await a.canvasPixels()), ringArea)).toBe(0);

    // Shown on the canvas, the version is the board as it was: the ellipse is there again,
    // while the live board still lacks it.
    await a.page.locator(`[data-testid="history-version"][data-version="${versionId}"]`).click();
    await a.byTestId('version-banner').waitFor({ timeout: WAIT_MS });
    await vi.waitFor(
      async () => expect(inkIn(inkMask(await a.canvasPixels()), ringArea)).toBeGreaterThan(100),
      { timeout: WAIT_MS, interval: 100 },
    );
    expect((await a.shapes()).map((s) => s.id)).toEqual([box.id]);

    // Restore: a new change that both pages receive; the ellipse is back as itself.
    await a.byTestId('version-restore').click();
    await a.byTestId('version-banner').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await a.waitForIds([box.id, ring.id]);
    await b.waitForIds([box.id, ring.id]);
    await a.waitForSaved();
    await expectConverged(a, b);

    // A's undo reverts the restore, on both pages.
    await a.byTestId('undo').click();
    await a.waitForIds([box.id], [ring.id]);
    await b.waitForIds([box.id], [ring.id]);
    await a.waitForSaved();
    await expectConverged(a, b);
  });
});
