/**
 * Diagrams on a shared board: arrows bound to shapes, rotation (on screen, in exports and in
 * the server's preview), groups, alignment and locks with undo; two users, checked on both
 * documents and both canvases, each ending with a convergence check.
 */
import type { SegmentShape, Shape } from '@drawbridge/board';
import { segmentEnds } from '@drawbridge/board';
import { describe, expect, it, vi } from 'vitest';
import { expectConverged, type PageGlobals, type Point, type User, WAIT_MS } from './utils/app.js';
import { decodePng, inkMask, type Mask } from './utils/pixels.js';
import { useE2E } from './utils/session.js';

const e2e = useE2E('diagram');

const byId = (shapes: Shape[], id: string) => shapes.find((s) => s.id === id)!;

/** Ink pixels within `radius` of each point, on this page's canvas, as a fraction. */
async function inkAlong(user: User, points: Point[], radius = 4): Promise<number> {
  const mask = inkMask(await user.canvasPixels());
  const onCanvas = await user.toCanvas(points);
  return onCanvas.filter((p) => mask.near(p.x, p.y, radius)).length / points.length;
}

/** `n` points along a-b, without the last `margin` at both ends. */
const along = (a: Point, b: Point, n = 12, margin = 0.15): Point[] =>
  Array.from({ length: n }, (_, i) => {
    const t = margin + ((1 - 2 * margin) * i) / (n - 1);
    return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
  });

/** The bounding box of ink on a canvas, as a mask's bounds. */
const inkBox = (mask: Mask) => mask.bounds()!;

describe('diagrams', () => {
  it("A draws two rectangles and an arrow between them; B moves one; the arrow's end follows on both", async () => {
    const { a, b } = await e2e.pair();
    const left = await a.drawBox('rect', { x: 200, y: 300 }, { x: 360, y: 420 });
    const right = await a.drawBox('rect', { x: 700, y: 300 }, { x: 860, y: 420 });
    // From the middle of one to the middle of the other: both ends bind.
    const arrow = await a.drawSegment('arrow', { x: 280, y: 360 }, { x: 780, y: 360 });
    const bound = (await a.snapshot()).bindings.filter((x) => x.arrowId === arrow.id);
    expect(bound.map((x) => [x.terminal, x.shapeId]).sort()).toEqual([
      ['end', right.id],
      ['start', left.id],
    ]);
    // The ends stop at the outlines.
    const [s0, e0] = segmentEnds(byId(await a.shapes(), arrow.id) as SegmentShape);
    expect(s0.x).toBeGreaterThan(360);
    expect(e0.x).toBeLessThan(700);
    await b.waitForShapes('with the bound arrow', (shapes) =>
      shapes.some((s) => s.id === arrow.id),
    );
    await vi.waitFor(async () => expect((await b.snapshot()).bindings).toHaveLength(2), {
      timeout: WAIT_MS,
    });

    // Nothing selected on A: its handles would be ink on its canvas.
    await a.clearSelection();
    // B drags the right rectangle down by its top edge.
    await b.drag([
      { x: 780, y: 300 },
      { x: 780, y: 500 },
    ]);
    const moved = (shapes: Shape[]) => byId(shapes, right.id)?.y === 500;
    for (const user of [a, b]) {
      const shapes = await user.waitForShapes('with the rectangle moved', moved);
      const [start, end] = segmentEnds(byId(shapes, arrow.id) as SegmentShape);
      // From the left box's centre (280, 360) to the moved one's (780, 560): the end meets
      // the left edge at y = 528, less the gap.
      expect(start.x).toBeGreaterThan(360);
      expect(end.x).toBeGreaterThan(690);
      expect(end.x).toBeLessThan(700);
      expect(end.y).toBeGreaterThan(515);
      expect(end.y).toBeLessThan(540);
      // Pixels: ink along the new line, none along the old one's middle.
      await vi.waitFor(
        async () => {
          expect(
            await inkAlong(user, along(start, end)),
            `${user.label}: new line`,
          ).toBeGreaterThan(0.9);
          const oldMiddle = along({ x: 480, y: 360 }, { x: 600, y: 360 }, 6, 0);
          expect(await inkAlong(user, oldMiddle, 2), `${user.label}: old line`).toBe(0);
        },
        { timeout: WAIT_MS, interval: 100 },
      );
    }
    const agreed = await expectConverged(a, b);
    expect(agreed.bindings).toHaveLength(2);
  });

  it('A rotates a shape; B sees it rotated; PNG and SVG export and preview.png show it rotated', async () => {
    const { a, b } = await e2e.pair();
    const bar = await a.drawBox('rect', { x: 400, y: 300 }, { x: 700, y: 360 });
    // The rotate handle sits 22 px above the frame (itself 5 px + half the stroke out).
    const handle = { x: 550, y: 300 - 7 - 22 };
    await a.page.keyboard.down('Shift');
    await a.drag([handle, { x: 650, y: 250 }, { x: 800, y: 330 }]);
    await a.page.keyboard.up('Shift');
    for (const user of [a, b]) {
      const [shape] = await user.waitForShapes('turned a quarter', (shapes) =>
        shapes.some((s) => s.id === bar.id && Math.abs(s.rotation - Math.PI / 2) < 1e-3),
      );
      expect(shape).toMatchObject({ x: 400, y: 300, w: 300, h: 60 });
    }
    await a.clearSelection();
    await b.clearSelection();

    // B's canvas: the bar stands upright, 60 wide and 300 tall, around the same centre.
    await vi.waitFor(
      async () => {
        const box = inkBox(inkMask(await b.canvasPixels()));
        const [center] = await b.toCanvas([{ x: 550, y: 330 }]);
        expect(box.h).toBeGreaterThan(280);
        expect(box.w).toBeLessThan(80);
        expect(Math.abs(box.x + box.w / 2 - center!.x)).toBeLessThan(4);
      },
      { timeout: WAIT_MS, interval: 100 },
    );

    // B's exports: tall PNG content, a rotated group in the SVG.
    const png = decodePng(
      Buffer.from(
        await b.page.evaluate(async () => {
          const blob = await (globalThis as unknown as PageGlobals).__drawbridge!.exportPng();
          return Array.from(new Uint8Array(await blob.arrayBuffer()));
        }),
      ),
    );
    const pngInk = inkBox(inkMask(png));
    expect(pngInk.h).toBeGreaterThan(pngInk.w * 3);
    const svg = await b.page.evaluate(() =>
      (globalThis as unknown as PageGlobals).__drawbridge!.exportSvg(),
    );
    expect(svg).toContain('transform="rotate(90 550 330)"');

    // The server's preview, rendered from its own copy of the board.
    await a.waitForSaved();
    await vi.waitFor(
      async () => {
        const response = await fetch(`${e2e.url}/b/${a.boardId}/preview.png`);
        expect(response.status).toBe(200);
        const preview = decodePng(Buffer.from(await response.arrayBuffer()));
        const box = inkBox(inkMask(preview));
        expect(box.h).toBeGreaterThan(box.w * 3);
      },
      { timeout: WAIT_MS, interval: 200 },
    );
    await expectConverged(a, b);
  });

  it('group, align and lock behave as described, and undo reverts each as one step', async () => {
    const { a, b } = await e2e.pair();
    const r1 = await a.drawBox('rect', { x: 200, y: 200 }, { x: 300, y: 260 });
    const r2 = await a.drawBox('rect', { x: 400, y: 300 }, { x: 500, y: 380 });
    const r3 = await a.drawBox('rect', { x: 650, y: 250 }, { x: 720, y: 300 });
    await b.waitForIds([r1.id, r2.id, r3.id]);

    // Group r1 and r2: click one edge, Shift-click the other, Ctrl+G.
    await a.click({ x: 250, y: 200 });
    await a.click({ x: 450, y: 300 }, ['Shift']);
    await a.page.keyboard.press('Control+g');
    const grouped = (shapes: Shape[]) => {
      const g1 = byId(shapes, r1.id)?.groupIds;
      return (
        g1?.length === 1 &&
        byId(shapes, r2.id)?.groupIds[0] === g1[0] &&
        byId(shapes, r3.id)?.groupIds.length === 0
      );
    };
    await b.waitForShapes('r1 and r2 grouped', grouped);
    // A click on one member selects the group.
    await a.clearSelection();
    await a.click({ x: 250, y: 200 });
    expect((await a.selection()).sort()).toEqual([r1.id, r2.id].sort());
    await a.page.keyboard.press('Control+z');
    await b.waitForShapes('ungrouped by undo', (shapes) =>
      shapes.every((s) => s.groupIds.length === 0),
    );
    await a.page.keyboard.press('Control+Shift+z');
    await b.waitForShapes('grouped again by redo', grouped);

    // Align left: the group (as one) and r3 line up on x = 200; the group keeps its shape.
    await a.page.keyboard.press('Control+a');
    await a.byTestId('align-left').click();
    const aligned = (shapes: Shape[]) =>
      byId(shapes, r3.id)?.x === 200 &&
      byId(shapes, r1.id)?.x === 200 &&
      byId(shapes, r2.id)?.x === 400;
    await b.waitForShapes('r3 aligned left', aligned);
    await vi.waitFor(
      async () =>
        expect(await inkAlong(b, along({ x: 200, y: 250 }, { x: 200, y: 300 }, 6, 0.1))).toBe(1),
      { timeout: WAIT_MS, interval: 100 },
    );
    await a.page.keyboard.press('Control+z');
    await b.waitForShapes(
      'alignment undone in one step',
      (shapes) => byId(shapes, r3.id)?.x === 650,
    );

    // Lock r3 from the context menu: it can then not be selected or moved.
    await a.clearSelection();
    await a.click({ x: 685, y: 250 }, [], 'right');
    await a.byTestId('menu-lock').click();
    await b.waitForShapes('r3 locked', (shapes) => byId(shapes, r3.id)?.locked === true);
    await a.click({ x: 685, y: 250 });
    expect(await a.selection()).toEqual([]);
    await a.drag([
      { x: 685, y: 250 },
      { x: 685, y: 450 },
    ]);
    expect(byId(await a.shapes(), r3.id)).toMatchObject({ x: 650, y: 250, locked: true });
    // The lock marker, above the top-right corner, on B's canvas.
    await vi.waitFor(
      async () => {
        const mask = inkMask(await b.canvasPixels());
        const [corner] = await b.toCanvas([{ x: 720, y: 250 }]);
        expect(
          mask.countIn({ x: corner!.x - 14, y: corner!.y - 20, w: 14, h: 14 }),
        ).toBeGreaterThan(20);
      },
      { timeout: WAIT_MS, interval: 100 },
    );
    // Unlock from the menu; undo puts the lock back, a second undo removes it.
    await a.click({ x: 685, y: 250 }, [], 'right');
    await a.byTestId('menu-unlock').click();
    await b.waitForShapes('r3 unlocked', (shapes) => byId(shapes, r3.id)?.locked === false);
    await a.page.keyboard.press('Escape');
    await a.page.keyboard.press('Control+z');
    await b.waitForShapes('unlock undone', (shapes) => byId(shapes, r3.id)?.locked === true);
    await a.page.keyboard.press('Control+z');
    await b.waitForShapes('lock undone', (shapes) => byId(shapes, r3.id)?.locked === false);
    await expectConverged(a, b);
  });
});
