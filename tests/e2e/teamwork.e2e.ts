/**
 * Working together live: two people typing in one note, following someone's view, and the
 * laser pointer; two users, checked on both documents and both canvases, each ending with a
 * convergence check.
 */
import type { Shape } from '@drawbridge/board';
import { describe, expect, it, vi } from 'vitest';
import { expectConverged, type PageGlobals, type User, WAIT_MS } from './utils/app.js';
import { colored, type Image, inkMask, type Mask } from './utils/pixels.js';
import { useE2E } from './utils/session.js';

const e2e = useE2E('teamwork');

const stickyText = (shapes: Shape[], id: string): string => {
  const shape = shapes.find((s) => s.id === id);
  return shape?.type === 'sticky' ? shape.text : '';
};

/** Ink of this page's canvas inside a board box. */
async function inkIn(
  user: User,
  box: { x: number; y: number; w: number; h: number },
): Promise<number> {
  const mask = inkMask(await user.canvasPixels());
  const [p] = await user.toCanvas([box]);
  const { zoom } = await user.camera();
  return mask.countIn({ x: p!.x, y: p!.y, w: box.w * zoom, h: box.h * zoom });
}

const userColor = (user: User): Promise<string> =>
  user.page.evaluate(
    () =>
      (
        (globalThis as unknown as PageGlobals).__drawbridge!.provider.awareness.getLocalState() as {
          user: { color: string };
        }
      ).user.color,
  );

const following = (user: User): Promise<number | null> =>
  user.page.evaluate(
    () => (globalThis as unknown as PageGlobals).__drawbridge!.follow.following?.clientId ?? null,
  );

describe('working together', () => {
  it('A and B type into the same sticky at the same time; both texts are in it on both pages', async () => {
    const { a, b } = await e2e.pair();
    const note = await a.drawText('sticky', { x: 400, y: 300 }, 'Plan:');
    await b.waitForIds([note.id]);
    const inside = { x: note.x + 12, y: note.y + 12, w: note.w - 24, h: note.h - 24 };
    const before = { A: await inkIn(a, inside), B: await inkIn(b, inside) };

    // Both open the note's editor, and each sees the other's caret in it.
    await Promise.all([
      a.page.mouse.dblclick(...(await pageAt(a, 400, 300))),
      b.page.mouse.dblclick(...(await pageAt(b, 400, 300))),
    ]);
    for (const user of [a, b]) {
      await user.byTestId('text-editor').waitFor({ state: 'visible', timeout: WAIT_MS });
      await user.page
        .locator('[data-testid="remote-caret"]')
        .waitFor({ state: 'visible', timeout: WAIT_MS });
    }

    await Promise.all([
      a.byTestId('text-editor').pressSequentially(' alpha one', { delay: 25 }),
      b.byTestId('text-editor').pressSequentially(' beta two', { delay: 25 }),
    ]);
    await Promise.all([
      a.byTestId('text-editor').press('Escape'),
      b.byTestId('text-editor').press('Escape'),
    ]);

    const both = (shapes: Shape[]) => {
      const text = stickyText(shapes, note.id);
      return text.startsWith('Plan:') && text.includes(' alpha one') && text.includes(' beta two');
    };
    for (const user of [a, b]) {
      try {
        await user.waitForShapes('holding both texts', both);
      } catch (error) {
        const text = stickyText(await user.shapes(), note.id);
        throw new Error(`${user.label}: the note reads ${JSON.stringify(text)}`, { cause: error });
      }
    }
    // Both canvases show more text in the note than before.
    for (const user of [a, b]) {
      const baseline = before[user.label as 'A' | 'B'];
      await vi.waitFor(
        async () => expect(await inkIn(user, inside)).toBeGreaterThan(baseline * 2),
        {
          timeout: WAIT_MS,
          interval: 100,
        },
      );
    }
    const agreed = await expectConverged(a, b);
    expect(stickyText(agreed.shapes, note.id).length).toBe('Plan: alpha one beta two'.length);
  });

  it("B follows A; A pans and zooms; B's viewport follows; B pans and stops following", async () => {
    const { a, b } = await e2e.pair();
    const rect = await a.drawBox('rect', { x: 500, y: 300 }, { x: 700, y: 450 });
    await b.waitForIds([rect.id]);
    await a.clearSelection();

    await b.byTestId('follow-person').click();
    await b.byTestId('follow-banner').waitFor({ state: 'visible', timeout: WAIT_MS });
    const aId = await a.page.evaluate(
      () => (globalThis as unknown as PageGlobals).__drawbridge!.doc.clientID,
    );
    expect(await following(b)).toBe(aId);

    // A pans with the wheel and zooms in with the keyboard.
    const [over] = await a.toPage([{ x: 600, y: 400 }]);
    await a.page.mouse.move(over!.x, over!.y);
    await a.page.mouse.wheel(-240, -120);
    await a.page.keyboard.press('=');
    await a.page.keyboard.press('=');
    const sameView = async () => {
      const [ca, cb] = await Promise.all([a.camera(), b.camera()]);
      expect(ca.zoom).toBeGreaterThan(1.5);
      expect(Math.abs(cb.zoom - ca.zoom) / ca.zoom).toBeLessThan(0.01);
      expect(
        Math.abs(cb.x + cb.width / cb.zoom / 2 - (ca.x + ca.width / ca.zoom / 2)),
      ).toBeLessThan(2);
      expect(
        Math.abs(cb.y + cb.height / cb.zoom / 2 - (ca.y + ca.height / ca.zoom / 2)),
      ).toBeLessThan(2);
    };
    await vi.waitFor(sameView, { timeout: WAIT_MS, interval: 100 });
    // Both canvases show the rectangle at the same place and size.
    await vi.waitFor(
      async () => {
        const [ma, mb] = await Promise.all([a.canvasPixels(), b.canvasPixels()]).then(
          (shots) => shots.map((s) => inkMask(s)) as [Mask, Mask],
        );
        const [ba, bb] = [ma.bounds()!, mb.bounds()!];
        expect(ba.w).toBeGreaterThan(300);
        for (const key of ['x', 'y', 'w', 'h'] as const)
          expect(Math.abs(ba[key] - bb[key])).toBeLessThan(4);
      },
      { timeout: WAIT_MS, interval: 100 },
    );

    // B pans: B stops following, and A's next moves leave B's view alone.
    const [onB] = await b.toPage([{ x: 640, y: 400 }]);
    await b.page.mouse.move(onB!.x, onB!.y);
    await b.page.mouse.wheel(0, 200);
    await vi.waitFor(async () => expect(await following(b)).toBeNull(), {
      timeout: WAIT_MS,
      interval: 50,
    });
    await b.byTestId('follow-banner').waitFor({ state: 'hidden', timeout: WAIT_MS });
    const still = await b.camera();
    await a.page.mouse.wheel(300, 0);
    await vi.waitFor(async () => expect((await a.camera()).x).not.toBe(still.x), {
      timeout: WAIT_MS,
    });
    await a.waitForSaved();
    expect(await b.camera()).toEqual(still);
    await expectConverged(a, b);
  });

  it("A's laser trail appears on B's canvas and nothing is added to the document", async () => {
    const { a, b } = await e2e.pair();
    const before = await Promise.all([a.snapshot(), b.snapshot()]);
    const color = await userColor(a);
    await a.selectTool('laser');
    const band = { x: 300, y: 380, w: 600, h: 40 };

    // A sweeps the pointer back and forth, button held, for as long as B looks: the trail fades
    // within a second, and a capture of B's canvas can take that long on a busy machine, so a
    // single sweep may be gone (or half gone) by the time B's pixels are read. Sweeping all along
    // keeps the last second of the trail on B's canvas whenever a capture lands; B's canvas is
    // captured mid-animation (a trail keeps it drawing, it never settles while A sweeps). The
    // capture holding the most of the trail is the one checked.
    let sweeping = true;
    const [left, right] = await a.toPage([
      { x: 300, y: 400 },
      { x: 900, y: 400 },
    ]);
    const sweeper = (async () => {
      await a.page.mouse.move(left!.x, left!.y);
      await a.page.mouse.down();
      for (let to = right!; sweeping; to = to === right ? left! : right!)
        await a.page.mouse.move(to.x, to.y, { steps: 24 });
      await a.page.mouse.up();
    })();
    let seen: { mask: Mask; shot: Image; count: number } | null = null;
    try {
      await vi.waitFor(
        async () => {
          const [p] = await b.toCanvas([band]);
          const shot = await b.canvasPixels({ settled: false });
          const mask = colored(shot);
          const count = mask.countIn({ ...band, x: p!.x, y: p!.y });
          if (!seen || count > seen.count) seen = { mask, shot, count };
          expect(seen.count).toBeGreaterThan(200);
        },
        { timeout: WAIT_MS, interval: 50 },
      );
    } finally {
      sweeping = false;
      await sweeper;
    }
    // In A's colour: the most saturated pixel of the trail has A's hue (the trail fades, so
    // its pixels are A's colour blended with the background).
    const { mask, shot } = seen as unknown as { mask: Mask; shot: Image };
    let strongest: [number, number, number] = [0, 0, 0];
    for (let y = 0; y < shot.height; y++) {
      for (let x = 0; x < shot.width; x++) {
        if (!mask.has(x, y)) continue;
        const i = (y * shot.width + x) * 4;
        const rgb: [number, number, number] = [shot.data[i]!, shot.data[i + 1]!, shot.data[i + 2]!];
        if (chroma(rgb) > chroma(strongest)) strongest = rgb;
      }
    }
    const expected = [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16)) as [
      number,
      number,
      number,
    ];
    const off = Math.abs(hue(strongest) - hue(expected));
    expect(Math.min(off, 360 - off), `${strongest} against ${color}`).toBeLessThan(25);

    // The trail fades away on B's canvas.
    await vi.waitFor(
      async () => {
        const mask = colored(await b.canvasPixels());
        const [p] = await b.toCanvas([band]);
        expect(mask.countIn({ ...band, x: p!.x, y: p!.y })).toBe(0);
      },
      { timeout: WAIT_MS, interval: 200 },
    );
    // Nothing reached either document.
    const after = await Promise.all([a.snapshot(), b.snapshot()]);
    expect(after[0].stateVector).toEqual(before[0].stateVector);
    expect(after[1].stateVector).toEqual(before[1].stateVector);
    expect(after.map((s) => s.shapes)).toEqual([[], []]);
    await expectConverged(a, b);
  });
});

const chroma = ([r, g, b]: [number, number, number]) => Math.max(r, g, b) - Math.min(r, g, b);

/** Hue in degrees. */
function hue([r, g, b]: [number, number, number]): number {
  const max = Math.max(r, g, b);
  const c = chroma([r, g, b]) || 1;
  const h = max === r ? ((g - b) / c) % 6 : max === g ? (b - r) / c + 2 : (r - g) / c + 4;
  return (h * 60 + 360) % 360;
}

/** A canvas point as page coordinates, for mouse calls. */
async function pageAt(user: User, x: number, y: number): Promise<[number, number]> {
  const [p] = await user.toPage([{ x, y }]);
  return [p!.x, p!.y];
}
