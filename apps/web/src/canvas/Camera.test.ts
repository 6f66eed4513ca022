import { describe, expect, it } from 'vitest';
import { Camera, FIT_MAX_ZOOM, MAX_ZOOM, MIN_ZOOM } from './Camera.js';

const camera = (x = 0, y = 0, zoom = 1) => {
  const c = new Camera();
  c.setViewport(800, 600);
  c.x = x;
  c.y = y;
  c.zoom = zoom;
  return c;
};

describe('Camera', () => {
  it('round-trips screen and board points', () => {
    const c = camera(-120.5, 40, 1.7);
    for (const p of [
      { x: 0, y: 0 },
      { x: 123.4, y: 567.8 },
      { x: -50, y: 900 },
    ]) {
      const back = c.boardToScreen(c.screenToBoard(p));
      expect(back.x).toBeCloseTo(p.x, 9);
      expect(back.y).toBeCloseTo(p.y, 9);
    }
    expect(c.screenToBoard({ x: 17, y: 34 })).toEqual({ x: -120.5 + 10, y: 60 });
  });

  it('keeps the board point under the anchor when zooming', () => {
    const c = camera(10, 20, 1);
    const anchor = { x: 300, y: 200 };
    const before = c.screenToBoard(anchor);
    c.zoomAt(2.5, anchor);
    expect(c.zoom).toBe(2.5);
    const after = c.screenToBoard(anchor);
    expect(after.x).toBeCloseTo(before.x, 9);
    expect(after.y).toBeCloseTo(before.y, 9);
    c.zoomStep(-1, anchor);
    expect(c.zoom).toBeCloseTo(2, 9);
    expect(c.screenToBoard(anchor).x).toBeCloseTo(before.x, 9);
  });

  it('clamps zoom', () => {
    const c = camera();
    c.zoomAt(1000);
    expect(c.zoom).toBe(MAX_ZOOM);
    c.zoomAt(0);
    expect(c.zoom).toBe(MIN_ZOOM);
  });

  it('pans by screen pixels', () => {
    const c = camera(0, 0, 2);
    c.panBy(100, -50);
    expect(c.x).toBe(-50);
    expect(c.y).toBe(25);
  });

  it('fits bounds centred with padding, never magnifying past 100%', () => {
    const c = camera();
    c.fit({ x: 1000, y: 1000, w: 1400, h: 200 }, 50);
    expect(c.zoom).toBeCloseTo(700 / 1400, 9);
    const center = c.screenToBoard(c.center());
    expect(center.x).toBeCloseTo(1700, 9);
    expect(center.y).toBeCloseTo(1100, 9);
    const topLeft = c.boardToScreen({ x: 1000, y: 1000 });
    expect(topLeft.x).toBeCloseTo(50, 9);

    c.fit({ x: -5, y: -5, w: 10, h: 10 }, 50);
    expect(c.zoom).toBe(FIT_MAX_ZOOM);
    expect(c.boardToScreen({ x: 0, y: 0 })).toEqual({ x: 400, y: 300 });
  });

  it('reports every change', () => {
    const c = camera();
    let changes = 0;
    c.onChange = () => changes++;
    c.panBy(1, 1);
    c.zoomAt(2);
    c.fit({ x: 0, y: 0, w: 10, h: 10 });
    c.setViewport(10, 10);
    c.panBy(0, 0);
    expect(changes).toBe(4);
  });
});
