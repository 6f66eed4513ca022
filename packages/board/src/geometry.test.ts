import { describe, expect, it } from 'vitest';
import { shapeBounds, visualBounds } from './bounds.js';
import { hitTest } from './hitTest.js';
import { outlineContains } from './outline.js';
import { rotatePoint, snapRotation } from './rotation.js';
import { bendThrough, curveControl, elbowRoute, segmentPath } from './route.js';
import type { SegmentShape } from './schema.js';
import { arrow, rect, shape } from './testing.js';

const turned = (angle: number, extra: object = {}) =>
  shape(rect(0, 0, 200, 100, { rotation: angle, ...extra }));

describe('rotated bounds', () => {
  it('is the frame unrotated and grows to the turned corners when rotated', () => {
    expect(shapeBounds(turned(0))).toEqual({ x: 0, y: 0, w: 200, h: 100 });
    const quarter = shapeBounds(turned(Math.PI / 2));
    expect(quarter.x).toBeCloseTo(50);
    expect(quarter.y).toBeCloseTo(-50);
    expect(quarter.w).toBeCloseTo(100);
    expect(quarter.h).toBeCloseTo(200);
    const eighth = shapeBounds(turned(Math.PI / 4));
    expect(eighth.w).toBeCloseTo(300 / Math.SQRT2);
  });

  it('fits an ellipse tighter than its turned frame', () => {
    const ellipse = shape({
      ...rect(0, 0, 200, 100),
      type: 'ellipse',
      rotation: Math.PI / 4,
    } as never);
    const b = shapeBounds(ellipse);
    expect(b.w).toBeCloseTo(Math.sqrt((100 ** 2 + 50 ** 2) / 2) * 2);
    expect(b.w).toBeLessThan(300 / Math.SQRT2);
  });

  it('pads by the stroke, and for arrowheads and labels', () => {
    expect(visualBounds(turned(0))).toEqual({ x: -2, y: -2, w: 204, h: 104 });
    const plain = visualBounds(shape({ ...arrow(0, 0, 100, 0), endHead: 'none' } as never));
    const headed = visualBounds(shape(arrow(0, 0, 100, 0)));
    expect(headed.w).toBeGreaterThan(plain.w);
    const labelled = visualBounds(shape(arrow(0, 0, 100, 0, { label: 'a long label here' })));
    expect(labelled.h).toBeGreaterThan(headed.h);
  });

  it('includes the bulge of a curved arrow', () => {
    const curved = shape(arrow(0, 0, 100, 0, { route: 'curved', bend: 40 })) as SegmentShape;
    const b = shapeBounds(curved);
    expect(b.y).toBeCloseTo(-40, 0);
    expect(b.h).toBeCloseTo(40, 0);
  });
});

describe('rotated hit tests', () => {
  it('hits a rotated rectangle where it shows, not where its frame was', () => {
    const r = turned(Math.PI / 2, { fill: '#ffffff' });
    // Upright, (10, 50) is inside and (100, -40) outside; turned 90 degrees, the reverse.
    expect(hitTest(r, { x: 10, y: 50 }, 1)).toBe(false);
    expect(hitTest(r, { x: 100, y: -40 }, 1)).toBe(true);
    expect(hitTest(turned(0, { fill: '#ffffff' }), { x: 10, y: 50 }, 1)).toBe(true);
  });

  it('hits an unfilled shape on its outline only, unless its label is hit', () => {
    const r = turned(Math.PI / 4);
    const edge = rotatePoint({ x: 200, y: 50 }, { x: 100, y: 50 }, Math.PI / 4);
    expect(hitTest(r, edge, 2)).toBe(true);
    expect(hitTest(r, { x: 100, y: 50 }, 2)).toBe(false);
    const labelled = turned(Math.PI / 4, { label: 'Hi' });
    expect(hitTest(labelled, { x: 100, y: 50 }, 2)).toBe(true);
  });

  it('hits diamonds inside their outline, and curved arrows along the curve', () => {
    const diamond = shape({ ...rect(0, 0, 100, 100), type: 'diamond', fill: '#ffffff' } as never);
    expect(hitTest(diamond, { x: 50, y: 50 }, 1)).toBe(true);
    expect(hitTest(diamond, { x: 8, y: 8 }, 1)).toBe(false);
    expect(outlineContains(diamond, { x: 50, y: 2 })).toBe(true);
    const curved = shape(arrow(0, 0, 100, 0, { route: 'curved', bend: 40 }));
    expect(hitTest(curved, { x: 50, y: -40 }, 3)).toBe(true);
    expect(hitTest(curved, { x: 50, y: 0 }, 3)).toBe(false);
  });

  it('hits a rotated pen stroke along its turned points', () => {
    const pen = shape({
      type: 'pen',
      ...{ x: 0, y: 0, w: 100, h: 0, points: [0, 0, 0.5, 100, 0, 0.5] },
      ...{ stroke: '#1e1e1e', fill: 'none', strokeWidth: 2, rotation: Math.PI / 2 },
    } as never);
    expect(hitTest(pen, { x: 50, y: 40 }, 2)).toBe(true);
    expect(hitTest(pen, { x: 90, y: 0 }, 2)).toBe(false);
  });
});

describe('rotation and routes', () => {
  it('snaps angles to 15 degrees', () => {
    expect(snapRotation((44 * Math.PI) / 180)).toBeCloseTo(Math.PI / 4);
    expect(snapRotation((-8 * Math.PI) / 180)).toBeCloseTo((-15 * Math.PI) / 180);
  });

  it('bends a curve through a point and back', () => {
    const a = { x: 0, y: 0 };
    const b = { x: 100, y: 0 };
    const bend = bendThrough(a, b, { x: 50, y: -30 });
    expect(bend).toBeCloseTo(30);
    expect(curveControl(a, b, bend)).toEqual({ x: 50, y: -60 });
  });

  it('routes elbows with horizontal and vertical legs only', () => {
    const route = elbowRoute({ x: 0, y: 0 }, null, { x: 100, y: 60 }, null);
    expect(route).toEqual([
      { x: 0, y: 0 },
      { x: 50, y: 0 },
      { x: 50, y: 60 },
      { x: 100, y: 60 },
    ]);
    const turn = elbowRoute({ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 100, y: 60 }, { x: 0, y: -1 });
    expect(turn).toEqual([
      { x: 0, y: 0 },
      { x: 100, y: 0 },
      { x: 100, y: 60 },
    ]);
    const elbow = shape(arrow(0, 0, 100, 60, { route: 'elbow' })) as SegmentShape;
    expect(segmentPath(elbow)).toEqual({ kind: 'line', points: route });
  });
});
