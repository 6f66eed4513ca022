import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardModel } from './BoardModel.js';
import { anchorAt, BIND_GAP, readBinding, resolveSegment } from './bindings.js';
import { segmentEnds } from './route.js';
import type { SegmentShape } from './schema.js';
import { arrow, expectSameDocs, fork, mergeDocs, pair, rect, shape } from './testing.js';

const ends = (s: unknown) => segmentEnds(s as SegmentShape);
const close = (p: { x: number; y: number }, x: number, y: number) => {
  expect(p.x).toBeCloseTo(x, 1);
  expect(p.y).toBeCloseTo(y, 1);
};

describe('binding geometry', () => {
  const box = shape(rect(100, 100, 100, 100), 'box');
  const seg = shape(arrow(0, 150, 120, 150), 'arr') as SegmentShape;

  it('aims at the centre when dropped near it, else at the drop point', () => {
    expect(anchorAt(box, { x: 155, y: 145 })).toEqual({ x: 0.5, y: 0.5 });
    expect(anchorAt(box, { x: 110, y: 190 })).toEqual({ x: 0.1, y: 0.9 });
  });

  it('stops a bound end at the outline, short by the gap', () => {
    const resolved = resolveSegment(seg, null, { anchor: { x: 0.5, y: 0.5 }, shape: box });
    const [start, end] = ends(resolved);
    close(start, 0, 150);
    close(end, 100 - BIND_GAP, 150);
  });

  it('follows a rotated shape and an ellipse', () => {
    const turned = { ...box, rotation: Math.PI / 4 };
    // From the left, the 45-degree square's left corner is at x = 150 - 50 * sqrt 2.
    const [, end] = ends(resolveSegment(seg, null, { anchor: { x: 0.5, y: 0.5 }, shape: turned }));
    close(end, 150 - 50 * Math.SQRT2 - BIND_GAP, 150);
    // An off-centre anchor turns with the shape: the right middle of a square turned 90 degrees
    // is its bottom middle.
    const quarter = { ...box, rotation: Math.PI / 2 };
    const inside = resolveSegment(shape(arrow(150, 160, 150, 170)) as SegmentShape, null, {
      anchor: { x: 1, y: 0.5 },
      shape: quarter,
    });
    close(ends(inside)[1], 150, 200);
    const ellipse = shape({ ...rect(100, 100, 200, 100), type: 'ellipse' } as never, 'ell');
    const [, onEllipse] = ends(
      resolveSegment(seg, null, { anchor: { x: 0.5, y: 0.5 }, shape: ellipse }),
    );
    close(onEllipse, 100 - BIND_GAP, 150);
  });

  it('routes an elbow out of the facing sides', () => {
    const right = shape(rect(400, 300, 100, 100), 'right');
    const elbow = { ...seg, route: 'elbow' as const };
    const resolved = resolveSegment(
      elbow,
      { anchor: { x: 0.5, y: 0.5 }, shape: box },
      { anchor: { x: 0.5, y: 0.5 }, shape: right },
    );
    const p = resolved.points;
    expect(p.length).toBe(8);
    const [start, end] = ends(resolved);
    close(start, 200 + BIND_GAP, 150);
    close(end, 400 - BIND_GAP, 350);
    // Every leg is horizontal or vertical.
    for (let i = 2; i < p.length; i += 2) {
      expect(p[i] === p[i - 2] || p[i + 1] === p[i - 1]).toBe(true);
    }
  });

  it('reads only well-formed binding records', () => {
    const good = { arrowId: 'a1', terminal: 'end', shapeId: 'b1', anchor: [0.5, 0.25] };
    expect(readBinding('a1:end', good)).toEqual({ ...good, anchor: { x: 0.5, y: 0.25 } });
    expect(readBinding('a1:start', good)).toBeNull();
    expect(readBinding('a1:end', { ...good, anchor: [2, 0] })).toBeNull();
    expect(readBinding('a1:end', { ...good, terminal: 'middle' })).toBeNull();
    expect(readBinding('a1:end', { ...good, shapeId: '<x>' })).toBeNull();
    expect(readBinding('a1:end', 'junk')).toBeNull();
  });
});

describe('bindings in the document', () => {
  function diagram(model: BoardModel) {
    const [a, b] = model.addShapes([rect(0, 0), rect(400, 0)]);
    const arr = model.addShape(arrow(100, 50, 400, 50));
    model.bind({ arrowId: arr, terminal: 'start', shapeId: a!, anchor: { x: 0.5, y: 0.5 } });
    model.bind({ arrowId: arr, terminal: 'end', shapeId: b!, anchor: { x: 0.5, y: 0.5 } });
    return { a: a!, b: b!, arr };
  }

  it('moves a bound end with its shape, and reports the arrow as changed', () => {
    const model = new BoardModel(new Y.Doc());
    const { b, arr } = diagram(model);
    const changed: string[][] = [];
    model.observe((change) => changed.push([...change.ids].sort()));
    model.moveShapes([b], 0, 200);
    expect(changed).toEqual([[arr, b].sort()]);
    const [start, end] = ends(model.getShape(arr));
    // From (50, 50) towards (450, 250): leaves the first box at (100, 75), short by the gap.
    close(start, 100 + (BIND_GAP * 2) / Math.sqrt(5), 75 + BIND_GAP / Math.sqrt(5));
    expect(end.x).toBeLessThan(400);
    expect(end.y).toBeGreaterThan(200);
    expect(model.shapes().find((s) => s.id === arr)).toEqual(model.getShape(arr));
  });

  it('keeps a move and a concurrent re-bind, on both peers', () => {
    const a = new BoardModel(new Y.Doc());
    const { b: target, arr } = diagram(a);
    const c = a.addShape(rect(0, 400));
    const b = fork(a);
    a.moveShapes([target], 0, 100);
    b.bind({ arrowId: arr, terminal: 'start', shapeId: c, anchor: { x: 0.5, y: 0.5 } });
    mergeDocs(a.doc, b.doc);
    expect(expectSameDocs(a.doc, b.doc)).toBe(true);
    expect(a.getStoredShape(target)).toMatchObject({ y: 100 });
    expect(a.bindingOf(arr, 'start')?.shapeId).toBe(c);
    expect(a.getShape(arr)).toEqual(b.getShape(arr));
    const [start, end] = ends(a.getShape(arr));
    expect(start.y).toBeGreaterThan(300); // leaves from the new shape, below
    expect(end.y).toBeGreaterThan(100); // reaches the moved one
  });

  it('leaves an arrow where it was, unbound, when its shape is deleted; undo restores both', () => {
    const { a: model, b: peer } = pair();
    const { b, arr } = diagram(model);
    model.moveShapes([b], 0, 100);
    model.stopCapturing();
    const before = model.getShape(arr);
    model.deleteShapes([b]);
    expect(model.bindingOf(arr, 'end')).toBeNull();
    expect(model.bindingOf(arr, 'start')).not.toBeNull();
    expect(ends(model.getShape(arr))).toEqual(ends(before));
    expect(ends(peer.getShape(arr))).toEqual(ends(before));
    model.undo();
    expect(model.bindingOf(arr, 'end')?.shapeId).toBe(b);
    expect(peer.getShape(b)).not.toBeNull();
  });

  it('ignores a binding to a missing shape or to a line, and a malformed record', () => {
    const model = new BoardModel(new Y.Doc());
    const arr = model.addShape(arrow(0, 0, 100, 0));
    const line = model.addShape({ ...arrow(0, 50, 100, 50), type: 'line' } as never);
    const stored = model.getShape(arr);
    model.bind({ arrowId: arr, terminal: 'end', shapeId: 'gone', anchor: { x: 0.5, y: 0.5 } });
    model.bind({ arrowId: arr, terminal: 'start', shapeId: line, anchor: { x: 0.5, y: 0.5 } });
    expect(model.getShape(arr)).toEqual(stored);
    model.transact(() => model.bindingMap.set(`${arr}:end`, { nonsense: true }));
    expect(model.getShape(arr)).toEqual(stored);
    expect(model.shapes()).toHaveLength(2);
  });

  it('unbinds an arrow moved on its own, but not one moved with its shapes', () => {
    const model = new BoardModel(new Y.Doc());
    const { a, b, arr } = diagram(model);
    model.moveShapes([arr, a, b], 10, 10);
    expect(model.bindings()).toHaveLength(2);
    model.moveShapes([arr], 0, 300);
    expect(model.bindings()).toHaveLength(0);
    expect(ends(model.getShape(arr))[0].y).toBeGreaterThan(300);
  });

  it('duplicates bindings between duplicated shapes only', () => {
    const model = new BoardModel(new Y.Doc());
    const { a, arr } = diagram(model);
    const [copyA, copyArrow] = model.duplicate([a, arr]);
    const bindings = model.bindings().filter((bd) => bd.arrowId === copyArrow);
    expect(bindings).toEqual([
      { arrowId: copyArrow, terminal: 'start', shapeId: copyA, anchor: { x: 0.5, y: 0.5 } },
    ]);
  });
});
