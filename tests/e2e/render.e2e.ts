/**
 * The canvas reuses what it drew while the camera moves (apps/web/src/canvas/render/
 * SceneLayer.ts): a pan or zoom shows the last picture moved or scaled while a new one is drawn
 * a slice per frame. Whatever the gesture, and with edits in the middle of it, once the canvas
 * settles it must show exactly what a fresh draw of the same view shows.
 */
import type { NewShape } from '@drawbridge/board';
import { describe, expect, it } from 'vitest';
import type { PageGlobals, User } from './utils/app.js';
import type { Image } from './utils/pixels.js';
import { useE2E } from './utils/session.js';

const e2e = useE2E('render');

/** Pixels that differ by more than a rounding step in some channel. */
function differing(a: Image, b: Image): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      if (Math.abs(a.data[i + c]! - b.data[i + c]!) > 2) {
        n++;
        break;
      }
    }
  }
  return n;
}

/** Ctrl+wheel zoom notches (negative: in) and plain wheel pans, about one per frame. */
async function gesture(user: User, steps: Array<{ zoom?: number; pan?: [number, number] }>) {
  await user.page.mouse.move(640, 400);
  for (const step of steps) {
    if (step.zoom !== undefined) {
      await user.page.keyboard.down('Control');
      await user.page.mouse.wheel(0, step.zoom);
      await user.page.keyboard.up('Control');
    } else if (step.pan) {
      await user.page.mouse.wheel(step.pan[0], step.pan[1]);
    }
    // One frame per step, as a hand on a wheel would give.
    await user.page.evaluate(
      () =>
        new Promise((resolve) =>
          (
            globalThis as unknown as { requestAnimationFrame(fn: () => void): void }
          ).requestAnimationFrame(() => resolve(undefined)),
        ),
    );
  }
}

/** The canvas as it is now, then as a draw from scratch of the same view shows it. */
async function settledAndFresh(user: User): Promise<{ settled: Image; fresh: Image }> {
  const settled = await user.canvasPixels();
  await user.page.evaluate(() =>
    (
      (globalThis as unknown as PageGlobals).__drawbridge!.editor as unknown as {
        invalidate(): void;
      }
    ).invalidate(),
  );
  const fresh = await user.canvasPixels();
  return { settled, fresh };
}

describe('canvas rendering', () => {
  it('after pans, zooms and an edit in the middle of them, the settled canvas equals a fresh draw', async () => {
    const user = await e2e.user('A');
    await user.open(`${e2e.url}/new`);
    const shapes: NewShape[] = Array.from({ length: 3000 }, (_, i) => ({
      type: i % 3 === 0 ? 'ellipse' : 'rect',
      x: (i % 60) * 60,
      y: Math.floor(i / 60) * 60,
      w: 40,
      h: 30,
      stroke: ['#1e1e1e', '#e03131', '#1971c2'][i % 3]!,
      fill: i % 2 === 0 ? '#a5d8ff' : 'none',
      strokeWidth: 2,
    }));
    const ids = await user.page.evaluate(
      (list) => (globalThis as unknown as PageGlobals).__drawbridge!.model.addShapes(list),
      shapes,
    );
    expect(ids).toHaveLength(3000);
    const before = await user.camera();

    // Zoom out until many shapes are on screen, pan, then move shapes mid-gesture.
    await gesture(user, [
      { zoom: 100 },
      { zoom: 100 },
      { pan: [40, 20] },
      { zoom: 100 },
      { pan: [-60, 30] },
      { pan: [25, -15] },
    ]);
    await user.page.evaluate(
      (moved) =>
        (globalThis as unknown as PageGlobals).__drawbridge!.model.moveShapes(moved, 30, 20),
      ids.slice(0, 200),
    );
    await gesture(user, [{ pan: [30, 30] }, { zoom: -100 }, { pan: [-45, 10] }, { zoom: 100 }]);
    const after = await user.camera();
    expect(after.zoom).toBeLessThan(before.zoom);
    expect([after.x, after.y]).not.toEqual([before.x, before.y]);
    const first = await settledAndFresh(user);
    expect(differing(first.settled, first.fresh)).toBe(0);

    // A pan alone: the picture is reused moved by whole pixels, and still equals a fresh draw.
    await gesture(user, [{ pan: [37, 0] }, { pan: [0, -23] }]);
    const second = await settledAndFresh(user);
    expect(differing(second.settled, second.fresh)).toBe(0);
    // And it is not the view before the pan.
    expect(differing(second.settled, first.settled)).toBeGreaterThan(1000);

    // An edit with the camera at rest is drawn at once, not taken from the picture.
    await user.page.evaluate(
      (moved) =>
        (globalThis as unknown as PageGlobals).__drawbridge!.model.moveShapes(moved, -30, -20),
      ids.slice(0, 200),
    );
    const third = await settledAndFresh(user);
    expect(differing(third.settled, second.settled)).toBeGreaterThan(1000);
    expect(differing(third.settled, third.fresh)).toBe(0);
  });
});
