import type { Bounds, Shape } from '@drawbridge/board';
import { beforeEach, describe, expect, it } from 'vitest';
import { type LayerView, SceneLayer } from './SceneLayer.js';

/**
 * The layer's decisions with a recording stand-in for the canvas (the pixels themselves are
 * checked in Chromium by tests/e2e/render.e2e.ts): what is painted, when, and what is copied
 * where.
 */

interface Copy {
  from: FakeCanvas;
  args: number[];
}

class FakeContext {
  copies: Copy[] = [];
  constructor(readonly canvas: FakeCanvas) {}
  setTransform() {}
  clearRect() {}
  drawImage(from: FakeCanvas, ...args: number[]) {
    this.copies.push({ from, args });
  }
}

let canvases = 0;
class FakeCanvas {
  readonly id = ++canvases;
  width = 0;
  height = 0;
  readonly ctx = new FakeContext(this);
  getContext() {
    return this.ctx;
  }
}

const shapesOnGrid = (n: number): Shape[] =>
  Array.from(
    { length: n },
    (_, i) => ({ id: `s${i}`, x: (i % 10) * 100, y: Math.floor(i / 10) * 100 }) as Shape,
  );

describe('SceneLayer', () => {
  let clock: number;
  let painted: string[];
  let shapes: Shape[];
  let layer: SceneLayer;
  let target: FakeContext;
  const view = (patch: Partial<LayerView> = {}): LayerView => ({
    x: 0,
    y: 0,
    zoom: 1,
    width: 1000,
    height: 600,
    dpr: 1,
    ...patch,
  });

  beforeEach(() => {
    clock = 0;
    painted = [];
    shapes = shapesOnGrid(300);
    const inArea = (s: Shape, a: Bounds) =>
      s.x >= a.x - 50 && s.x <= a.x + a.w && s.y >= a.y - 50 && s.y <= a.y + a.h;
    layer = new SceneLayer(
      {
        query: (area) => shapes.filter((s) => inArea(s, area)),
        paint: (_ctx, shape) => {
          painted.push(shape.id);
          clock += 0.2; // every shape costs 0.2 ms
        },
      },
      { createCanvas: () => new FakeCanvas() as unknown as HTMLCanvasElement, now: () => clock },
    );
    target = new FakeCanvas().ctx;
  });

  const draw = (v: LayerView) => layer.draw(target as unknown as CanvasRenderingContext2D, v);
  const lastCopy = () => target.copies.at(-1)!;

  it('draws the visible shapes at once, then copies them while nothing moves', () => {
    expect(draw(view())).toBe(false);
    const visible = shapes.filter((s) => s.x <= 1000 && s.y <= 600).map((s) => s.id);
    expect(painted).toEqual(visible);
    // The viewport part of the picture (margin 90 px: 15% of 600), whole pixels, unscaled.
    expect(lastCopy().args).toEqual([90, 90, 1000, 600, 0, 0, 1000, 600]);

    painted = [];
    expect(draw(view())).toBe(false);
    expect(painted).toEqual([]);
    expect(target.copies).toHaveLength(2);
  });

  it('a pan copies the old picture moved, and draws the new one a slice per frame', () => {
    draw(view());
    const first = lastCopy().from;
    painted = [];
    const panned = view({ x: 40, y: -20 });
    const frames: boolean[] = [];
    for (let i = 0; i < 20; i++) {
      const refining = draw(panned);
      frames.push(refining);
      if (!refining) break;
      // Until the new picture is whole, the old one is shown, moved by the pan.
      expect(lastCopy().from).toBe(first);
      expect(lastCopy().args.slice(4, 6)).toEqual([-40, 20]);
    }
    // 0.2 ms a shape, 3 ms a frame, checked every 32 shapes: 32 shapes per frame.
    // The new picture's area: the view and 90 px around it (the query adds 50 for sizes).
    const wanted = shapes.filter((s) => s.x >= -100 && s.x <= 1130 && s.y <= 670);
    expect(painted).toEqual(wanted.map((s) => s.id));
    expect(frames).toHaveLength(Math.ceil(wanted.length / 32));
    expect(frames.at(-1)).toBe(false);
    // The new picture, with its margin, covers the viewport exactly where it belongs.
    const copy = lastCopy();
    expect(copy.from).not.toBe(first);
    expect(copy.args).toEqual([0, 0, 1180, 780, -90, -90, 1180, 780]);

    // Resting there costs a copy.
    painted = [];
    expect(draw(panned)).toBe(false);
    expect(painted).toEqual([]);
  });

  it('a zoom shows the picture scaled until the new one is drawn', () => {
    draw(view());
    const zoomed = view({ zoom: 0.5 });
    expect(draw(zoomed)).toBe(true);
    // Scaled by 1/2 around the board origin: the viewport part lands at (0, 0), half as big.
    expect(lastCopy().args).toEqual([90, 90, 1000, 600, 0, 0, 500, 300]);
    while (draw(zoomed));
    expect(lastCopy().args).toEqual([0, 0, 1180, 780, -90, -90, 1180, 780]);
  });

  it('a change while a picture is being drawn is drawn at once, and the stale slices dropped', () => {
    draw(view());
    expect(draw(view({ x: 500 }))).toBe(true);
    shapes = shapes.filter((s) => s.id !== 's5');
    layer.invalidate();
    painted = [];
    expect(draw(view({ x: 500 }))).toBe(false);
    const visible = shapes.filter((s) => s.x >= 450 && s.x <= 1500 && s.y <= 600);
    expect(painted).toEqual(visible.map((s) => s.id));
    expect(lastCopy().args).toEqual([90, 90, 1000, 600, 0, 0, 1000, 600]);
  });

  it('a new canvas size or pixel ratio draws afresh at the new size', () => {
    draw(view());
    painted = [];
    expect(draw(view({ dpr: 2 }))).toBe(false);
    expect(painted.length).toBeGreaterThan(0);
    expect(lastCopy().args).toEqual([180, 180, 2000, 1200, 0, 0, 2000, 1200]);
  });

  it('trim frees the spare picture, and the next move makes a new one', () => {
    draw(view());
    while (draw(view({ x: 30 })));
    const spare = target.copies.find((c) => c.args[0] === 90)!.from;
    layer.trim();
    expect([spare.width, spare.height]).toEqual([0, 0]);
    while (draw(view({ x: 300 })));
    expect(lastCopy().from).not.toBe(spare);
    expect(lastCopy().from.width).toBe(1180);
  });
});
