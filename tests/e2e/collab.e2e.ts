/**
 * Two users on one board, live: drawing, presence, per-user undo and PNG export, checked on
 * documents, pixels and bytes, each ending with a convergence check.
 */
import { readFileSync } from 'node:fs';
import { type Shape, shapesBounds } from '@drawbridge/board';
import { describe, expect, it, vi } from 'vitest';
import {
  expectConverged,
  type PageGlobals,
  type Point,
  report,
  summary,
  WAIT_MS,
} from './utils/app.js';
import { type Box, decodePng, inkAdded, type Mask, nonWhite, pixel } from './utils/pixels.js';
import { useE2E } from './utils/session.js';

const e2e = useE2E('collab');

/** Fraction of `points` with a set pixel within `radius`. */
const coverage = (mask: Mask, points: Point[], radius: number): number =>
  points.filter((p) => mask.near(p.x, p.y, radius)).length / points.length;

/** `n` points along the segment a-b, leaving out `margin` (a fraction) at both ends. */
function along(a: Point, b: Point, n: number, margin = 0.1): Point[] {
  return Array.from({ length: n }, (_, i) => {
    const t = margin + ((1 - 2 * margin) * i) / (n - 1);
    return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
  });
}

/** The four edges of a box, as segments. */
const edges = (b: Box): [Point, Point][] => [
  [
    { x: b.x, y: b.y },
    { x: b.x + b.w, y: b.y },
  ],
  [
    { x: b.x + b.w, y: b.y },
    { x: b.x + b.w, y: b.y + b.h },
  ],
  [
    { x: b.x + b.w, y: b.y + b.h },
    { x: b.x, y: b.y + b.h },
  ],
  [
    { x: b.x, y: b.y + b.h },
    { x: b.x, y: b.y },
  ],
];

describe('two users on one board', () => {
  it('B sees the rectangle, stroke and text A draws, in its document and on its canvas', async () => {
    const { a, b } = await e2e.pair();
    const blank = await b.canvasPixels();

    const rect = await a.drawBox('rect', { x: 300, y: 250 }, { x: 620, y: 500 });
    // A gentle wave: smoothing keeps the stroke close to the recorded points.
    const wave = Array.from({ length: 15 }, (_, i) => ({
      x: 720 + i * 20,
      y: 380 + 90 * Math.sin((i / 14) * 2 * Math.PI),
    }));
    const pen = await a.drawPen(wave);
    const text = await a.drawText('text', { x: 340, y: 290 }, 'Hello Drawbridge');
    expect(text.text).toBe('Hello Drawbridge');

    // B's document: the three shapes, as A made them.
    const shapes = await b.waitForIds([rect.id, pen.id, text.id]);
    expect(shapes.map((shape) => shape.type).sort()).toEqual(['pen', 'rect', 'text']);
    const onB = (id: string) => shapes.find((shape) => shape.id === id)!;
    expect(onB(text.id)).toMatchObject({ type: 'text', text: 'Hello Drawbridge' });
    expect(onB(rect.id)).toMatchObject({ x: rect.x, y: rect.y, w: rect.w, h: rect.h });
    expect((onB(pen.id) as Extract<Shape, { type: 'pen' }>).points).toEqual(pen.points);

    // B's canvas: ink appeared, and it has the layout of the shapes. The camera (B's zoom and
    // pan) is derived from the ink itself: the ink's bounding box is the shapes' visual bounds.
    let ink: Mask | null = null;
    await vi.waitFor(
      async () => {
        ink = inkAdded(blank, await b.canvasPixels());
        // The rectangle's outline alone is ~1100 px long.
        expect(ink.count).toBeGreaterThan(1500);
      },
      { timeout: WAIT_MS, interval: 100 },
    );
    const mask = ink! as Mask;
    const inkBox = mask.bounds()!;
    const bounds = shapesBounds([onB(rect.id), onB(pen.id), onB(text.id)])!;
    const scale = inkBox.w / bounds.w;
    expect(
      scale,
      `ink ${JSON.stringify(inkBox)} vs shapes ${JSON.stringify(bounds)}`,
    ).toBeGreaterThan(0.2);
    expect(scale).toBeLessThan(5);
    // Same zoom on both axes: the ink's aspect ratio is the shapes'.
    expect(Math.abs(inkBox.h - bounds.h * scale)).toBeLessThan(8 + 0.03 * inkBox.h);
    const toScreen = (p: Point): Point => ({
      x: inkBox.x + (p.x - bounds.x) * scale,
      y: inkBox.y + (p.y - bounds.y) * scale,
    });
    const radius = Math.ceil(3 + 2 * scale);
    report('B canvas', { ink: mask.count, inkBox, bounds, scale, radius });

    const rectEdges = edges(onB(rect.id)).flatMap(([from, to]) =>
      along(toScreen(from), toScreen(to), 20),
    );
    report('coverage', {
      rect: coverage(mask, rectEdges, radius),
      rectTight: coverage(mask, rectEdges, 1),
    });
    expect(coverage(mask, rectEdges, radius), 'ink along the rectangle').toBeGreaterThan(0.9);

    const penPoints: Point[] = [];
    for (let i = 0; i + 1 < pen.points.length; i += 3) {
      penPoints.push(toScreen({ x: pen.x + pen.points[i]!, y: pen.y + pen.points[i + 1]! }));
    }
    report('coverage', {
      pen: coverage(mask, penPoints, radius + 3),
      penTight: coverage(mask, penPoints, 1),
    });
    expect(coverage(mask, penPoints, radius + 3), 'ink along the stroke').toBeGreaterThan(0.8);

    const t = onB(text.id);
    const textBox = { ...toScreen(t), w: t.w * scale, h: t.h * scale };
    report('text', { ink: mask.countIn(textBox), textBox });
    expect(mask.countIn(textBox), 'ink of the text').toBeGreaterThan(50);

    // The rectangle is not filled: no ink in its interior below the text.
    const r = onB(rect.id);
    const top = toScreen({ x: r.x + 12, y: Math.max(t.y + t.h, r.y) + 12 });
    const bottom = toScreen({ x: r.x + r.w - 12, y: r.y + r.h - 12 });
    const interior = { x: top.x, y: top.y, w: bottom.x - top.x, h: bottom.y - top.y };
    expect(interior.h).toBeGreaterThan(20);
    expect(mask.countIn(interior), 'ink inside the unfilled rectangle').toBe(0);

    const agreed = await expectConverged(a, b);
    expect(agreed.shapes.map((shape) => shape.id).sort()).toEqual(
      [rect.id, pen.id, text.id].sort(),
    );
  });

  it("B sees A's cursor with A's name, and A in its people list", async () => {
    const { a, b } = await e2e.pair();
    const name = 'Ada E2E';
    const nameInput = a.byTestId('user-name');
    await nameInput.fill(name);
    await nameInput.blur();
    // Remembered in this browser.
    const stored = await a.page.evaluate(() =>
      // Storage exposes its items as own properties.
      Object.values(
        (globalThis as unknown as { localStorage: Record<string, string> }).localStorage,
      ),
    );
    expect(
      stored.some((value) => value.includes(name)),
      JSON.stringify(stored),
    ).toBe(true);

    const [p1, p2] = await a.toPage([
      { x: 400, y: 400 },
      { x: 700, y: 450 },
    ]);
    await a.page.mouse.move(p1!.x, p1!.y, { steps: 4 });
    const cursor = b.page.locator(`[data-testid="cursor"][data-name="${name}"]`, {
      hasText: name,
    });
    await cursor.waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await cursor.textContent()).toContain(name);
    const first = (await cursor.boundingBox())!;

    // The cursor follows A's pointer.
    await a.page.mouse.move(p2!.x, p2!.y, { steps: 4 });
    await vi.waitFor(
      async () => {
        const moved = (await cursor.boundingBox())!;
        expect(moved.x - first.x).toBeGreaterThan(100);
        expect(moved.y - first.y).toBeGreaterThan(0);
      },
      { timeout: WAIT_MS, interval: 50 },
    );

    await b
      .byTestId('people-list')
      .locator('[data-testid="person"]', { hasText: name })
      .waitFor({ state: 'visible', timeout: WAIT_MS });

    // A's awareness state as B holds it.
    const states = await b.page.evaluate(() => {
      const { provider, doc } = (globalThis as unknown as PageGlobals).__drawbridge!;
      return [...provider.awareness.getStates()]
        .filter(([id]) => id !== doc.clientID)
        .map(([, state]) => state);
    });
    const ada = states.find((state) => (state.user as { name?: string })?.name === name);
    expect(ada, JSON.stringify(states)).toBeDefined();
    expect(ada!.user).toMatchObject({ name, color: expect.any(String) });
    expect(ada!.cursor).toMatchObject({ x: expect.any(Number), y: expect.any(Number) });

    await expectConverged(a, b);
  });

  it("A's undo removes A's shape on both boards and leaves B's", async () => {
    const { a, b } = await e2e.pair();
    const mine = await a.drawBox('rect', { x: 300, y: 300 }, { x: 500, y: 450 });
    await b.waitForIds([mine.id]);
    const theirs = await b.drawBox('ellipse', { x: 650, y: 300 }, { x: 850, y: 450 });
    await a.waitForIds([mine.id, theirs.id]);

    await a.byTestId('undo').click();

    await a.waitForIds([theirs.id], [mine.id]);
    await b.waitForIds([theirs.id], [mine.id]);
    const agreed = await expectConverged(a, b);
    expect(agreed.shapes.map((shape) => shape.id)).toEqual([theirs.id]);
  });

  it('PNG export downloads a decodable image of the board at scale 2', async () => {
    const { a, b } = await e2e.pair();
    const boardName = a.byTestId('board-name');
    await boardName.fill('e2e-export');
    await boardName.press('Enter');
    const rect = await a.drawBox('rect', { x: 300, y: 260 }, { x: 560, y: 460 });
    const line = await a.drawSegment('line', { x: 640, y: 480 }, { x: 900, y: 300 });
    await b.waitForIds([rect.id, line.id]);
    // With a selection the export covers only the selection; this checks the whole board.
    await a.clearSelection();

    const [download] = await Promise.all([
      a.page.waitForEvent('download', { timeout: WAIT_MS }),
      a.byTestId('export-png').click(),
    ]);
    expect(download.suggestedFilename()).toBe('e2e-export.png');
    const file = e2e.artifact('export.png');
    await download.saveAs(file);
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const image = decodePng(bytes);

    const shapes = await a.shapes();
    expect(summary(shapes)).toBe(summary([rect, line]));
    const bounds = shapesBounds(shapes)!;
    expect(image.width).toBe(Math.ceil((bounds.w + 32) * 2));
    expect(image.height).toBe(Math.ceil((bounds.h + 32) * 2));

    // White background, opaque.
    expect(pixel(image, 1, 1)).toEqual([255, 255, 255, 255]);
    expect(pixel(image, image.width - 2, image.height - 2)).toEqual([255, 255, 255, 255]);

    // Board point -> image pixel.
    const at = (x: number, y: number): Point => ({
      x: (x - bounds.x + 16) * 2,
      y: (y - bounds.y + 16) * 2,
    });
    const ink = nonWhite(image);
    const r = shapes.find((shape) => shape.id === rect.id)!;
    // The rectangle's top border row, and its other edges.
    const topRow = along(at(r.x, r.y), at(r.x + r.w, r.y), 40);
    expect(coverage(ink, topRow, 1), "the rectangle's top border").toBe(1);
    const outline = edges(r).flatMap(([from, to]) => along(at(from.x, from.y), at(to.x, to.y), 20));
    expect(coverage(ink, outline, 2), "the rectangle's outline").toBe(1);
    // Unfilled: white inside.
    const inner = at(r.x + 12, r.y + 12);
    const far = at(r.x + r.w - 12, r.y + r.h - 12);
    expect(ink.countIn({ x: inner.x, y: inner.y, w: far.x - inner.x, h: far.y - inner.y })).toBe(0);
    // The line, from end to end.
    const l = shapes.find((shape) => shape.id === line.id) as Extract<Shape, { type: 'line' }>;
    const [x1, y1, x2, y2] = l.points;
    const linePoints = along(at(l.x + x1!, l.y + y1!), at(l.x + x2!, l.y + y2!), 30, 0.02);
    expect(coverage(ink, linePoints, 2), 'the line').toBe(1);

    await expectConverged(a, b);
  });
});
