import { describe, expect, it } from 'vitest';
import { alignOffsets, distributeOffsets } from './align.js';
import { snapBox, snapPoint } from './snap.js';

describe('snapping', () => {
  const others = [
    { x: 0, y: 0, w: 100, h: 100 },
    { x: 300, y: 200, w: 50, h: 50 },
  ];

  it('nudges a moving box so an edge or centre lines up, and shows the guide', () => {
    const result = snapBox({ x: 104, y: 400, w: 60, h: 60 }, others, 6);
    // Its left edge (104) snaps to the first box's right edge (100).
    expect(result.dx).toBe(-4);
    expect(result.dy).toBe(0);
    expect(result.guides).toEqual([{ axis: 'x', at: 100, from: 0, to: 460 }]);
  });

  it('prefers the closest line, and snaps centres', () => {
    const result = snapBox({ x: 296, y: 121, w: 60, h: 60 }, others, 8);
    // Centre y (151) is 1 from nothing... top (121) is 21 off; bottom (181) 19 off; but the
    // centre x (326) is 1 from the second box's centre (325).
    expect(result.dx).toBe(-1);
    expect(result.guides.some((g) => g.axis === 'x' && g.at === 325)).toBe(true);
  });

  it('does nothing beyond the threshold', () => {
    expect(snapBox({ x: 150, y: 500, w: 10, h: 10 }, others, 5)).toEqual({
      dx: 0,
      dy: 0,
      guides: [],
    });
  });

  it('snaps a dragged handle on the axes it moves along', () => {
    const result = snapPoint({ x: 97, y: 203 }, others, 5, { x: true, y: false });
    expect(result).toMatchObject({ dx: 3, dy: 0 });
    expect(result.guides).toEqual([{ axis: 'x', at: 100, from: 0, to: 203 }]);
  });
});

describe('align and distribute', () => {
  const boxes = [
    { x: 0, y: 0, w: 100, h: 50 },
    { x: 200, y: 100, w: 50, h: 50 },
    { x: 500, y: 30, w: 100, h: 100 },
  ];

  it('aligns edges and centres to the common bounds', () => {
    expect(alignOffsets(boxes, 'left').map((o) => o.x)).toEqual([0, -200, -500]);
    expect(alignOffsets(boxes, 'right').map((o) => o.x)).toEqual([500, 350, 0]);
    expect(alignOffsets(boxes, 'center').map((o) => o.x)).toEqual([250, 75, -250]);
    expect(alignOffsets(boxes, 'bottom').map((o) => o.y)).toEqual([100, 0, 20]);
    expect(alignOffsets(boxes, 'middle').map((o) => o.y)).toEqual([50, -50, -5]);
    expect(alignOffsets(boxes, 'top').map((o) => o.y)).toEqual([0, -100, -30]);
  });

  it('distributes with equal gaps, the outer boxes staying', () => {
    // Span 0..600 holds 250 of boxes: gaps of 175.
    expect(distributeOffsets(boxes, 'x')).toEqual([
      { x: 0, y: 0 },
      { x: 75, y: 0 },
      { x: 0, y: 0 },
    ]);
    expect(distributeOffsets(boxes.slice(0, 2), 'x')).toEqual([
      { x: 0, y: 0 },
      { x: 0, y: 0 },
    ]);
  });
});
