import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardModel } from './BoardModel.js';
import type { NewShape } from './schema.js';

const rect = (x = 0, y = 0): NewShape => ({
  type: 'rect',
  x,
  y,
  w: 100,
  h: 50,
  stroke: '#1e1e1e',
  fill: 'none',
  strokeWidth: 4,
});

/** Two peers whose docs exchange every update synchronously. */
function pair() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on(
    'update',
    (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(b, u, 'remote'),
  );
  b.on(
    'update',
    (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(a, u, 'remote'),
  );
  return { a: new BoardModel(a), b: new BoardModel(b) };
}

/** Two peers that edit apart, then merge (like an offline period). */
function mergeDocs(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

const ids = (model: BoardModel) => model.shapes().map((s) => s.id);

describe('BoardModel mutations', () => {
  it('adds, updates, moves, resizes, duplicates and deletes shapes', () => {
    const model = new BoardModel(new Y.Doc());
    const id = model.addShape(rect(10, 20));
    expect(model.getShape(id)).toMatchObject({ type: 'rect', x: 10, y: 20, w: 100, h: 50 });
    model.updateShape(id, { stroke: '#e03131', fill: '#ffffff' });
    model.moveShapes([id], 5, -5);
    expect(model.getShape(id)).toMatchObject({ x: 15, y: 15, stroke: '#e03131', fill: '#ffffff' });
    model.resizeShape(id, { x: 0, y: 0, w: 10, h: 10 });
    expect(model.getShape(id)).toMatchObject({ x: 0, y: 0, w: 10, h: 10 });
    const [copy] = model.duplicate([id]);
    expect(model.getShape(copy!)).toMatchObject({ x: 24, y: 24, w: 10, stroke: '#e03131' });
    expect(ids(model)).toEqual([id, copy]);
    model.deleteShapes([id]);
    expect(ids(model)).toEqual([copy]);
  });

  it('scales the points of strokes when resized', () => {
    const model = new BoardModel(new Y.Doc());
    const id = model.addShape({
      type: 'pen',
      x: 0,
      y: 0,
      w: 10,
      h: 20,
      points: [0, 0, 0.5, 10, 20, 0.7],
      stroke: '#1e1e1e',
      fill: 'none',
      strokeWidth: 2,
    });
    model.resizeShape(id, { x: 5, y: 5, w: 20, h: 10 });
    expect(model.getShape(id)).toMatchObject({
      x: 5,
      y: 5,
      w: 20,
      h: 10,
      points: [0, 0, 0.5, 20, 10, 0.7],
    });
  });

  it('stores and reads the board name', () => {
    const model = new BoardModel(new Y.Doc());
    expect(model.name).toBe('Untitled board');
    model.setName('  Sprint planning  ');
    expect(model.name).toBe('Sprint planning');
  });

  it('skips malformed remote shapes instead of failing', () => {
    const doc = new Y.Doc();
    const model = new BoardModel(doc);
    const good = model.addShape(rect());
    const bad = new Y.Map<unknown>();
    bad.set('type', 'rect');
    bad.set('x', 'not a number');
    doc.getMap('shapes').set('bad', bad);
    doc.getMap('shapes').set('junk', 42 as never);
    const evil = new Y.Map<unknown>();
    for (const [k, v] of Object.entries({ ...rect(), index: 'a5', stroke: 'red" onload="x' }))
      evil.set(k, v);
    doc.getMap('shapes').set('evil', evil);
    expect(ids(model)).toEqual([good]);
  });
});

describe('ordering', () => {
  it('brings to front and sends to back', () => {
    const model = new BoardModel(new Y.Doc());
    const [a, b, c] = model.addShapes([rect(), rect(), rect()]);
    expect(ids(model)).toEqual([a, b, c]);
    model.bringToFront([a!]);
    expect(ids(model)).toEqual([b, c, a]);
    model.sendToBack([c!]);
    expect(ids(model)).toEqual([c, b, a]);
    model.bringToFront([c!, b!]);
    expect(ids(model)).toEqual([a, c, b]);
  });

  it('converges when peers reorder concurrently', () => {
    const a = new BoardModel(new Y.Doc());
    const [s1, s2, s3] = a.addShapes([rect(), rect(), rect()]);
    const b = new BoardModel(new Y.Doc());
    mergeDocs(a.doc, b.doc);
    a.bringToFront([s1!]);
    b.sendToBack([s3!]);
    b.bringToFront([s2!]);
    a.addShape(rect(1, 1));
    b.addShape(rect(2, 2));
    mergeDocs(a.doc, b.doc);
    expect(ids(a)).toEqual(ids(b));
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
    expect(ids(a)).toHaveLength(5);
  });

  it('keeps concurrent field edits of one shape (move here, recolour there)', () => {
    const { a, b } = pair();
    const id = a.addShape(rect());
    const bDoc = b.doc;
    // Disconnect: edit apart.
    const offlineA = new Y.Doc();
    Y.applyUpdate(offlineA, Y.encodeStateAsUpdate(a.doc));
    const a2 = new BoardModel(offlineA);
    a2.moveShapes([id], 50, 0);
    b.updateShape(id, { stroke: '#2f9e44' });
    mergeDocs(offlineA, bDoc);
    expect(a2.getShape(id)).toMatchObject({ x: 50, stroke: '#2f9e44' });
    expect(b.getShape(id)).toEqual(a2.getShape(id));
  });
});

describe('undo scoping', () => {
  it("undo removes only the user's own changes, never someone else's", () => {
    const { a, b } = pair();
    const mine = a.addShape(rect());
    a.stopCapturing();
    const theirs = b.addShape(rect(200, 0));
    b.stopCapturing();
    a.undo();
    expect(ids(a)).toEqual([theirs]);
    expect(ids(b)).toEqual([theirs]);
    a.redo();
    expect(new Set(ids(b))).toEqual(new Set([mine, theirs]));
    b.undo();
    expect(ids(a)).toEqual([mine]);
  });

  it("undoing a move leaves another user's later recolour", () => {
    const { a, b } = pair();
    const id = a.addShape(rect());
    a.stopCapturing();
    a.moveShapes([id], 100, 0);
    a.stopCapturing();
    b.updateShape(id, { stroke: '#1971c2' });
    a.undo();
    expect(b.getShape(id)).toMatchObject({ x: 0, stroke: '#1971c2' });
  });

  it('groups one drag into one undo step', () => {
    const model = new BoardModel(new Y.Doc(), { captureTimeout: 10_000 });
    const id = model.addShape(rect());
    model.stopCapturing();
    for (let i = 0; i < 10; i++) model.moveShapes([id], 1, 0);
    model.stopCapturing();
    model.undo();
    expect(model.getShape(id)).toMatchObject({ x: 0 });
  });
});

describe('observe', () => {
  it('reports changed shape ids, local or remote', () => {
    const { a, b } = pair();
    const seen: { ids: string[]; local: boolean }[] = [];
    b.observe((change) => seen.push({ ids: [...change.ids], local: change.local }));
    const id = a.addShape(rect());
    a.moveShapes([id], 1, 1);
    b.updateShape(id, { fill: '#ffffff' });
    expect(seen).toEqual([
      { ids: [id], local: false },
      { ids: [id], local: false },
      { ids: [id], local: true },
    ]);
  });
});

describe('read-only boards', () => {
  it('ignore every mutation', () => {
    const doc = new Y.Doc();
    const model = new BoardModel(doc);
    const id = model.addShape(rect());
    model.setName('Before');
    model.stopCapturing();
    model.readonly = true;
    const before = Y.encodeStateAsUpdate(doc);
    expect(model.addShape(rect(5, 5))).toBe('');
    expect(model.duplicate([id])).toEqual([]);
    model.moveShapes([id], 10, 10);
    model.updateShape(id, { stroke: '#e03131' });
    model.bringToFront([id]);
    model.deleteShapes([id]);
    model.setName('After');
    model.undo();
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
    expect(model.name).toBe('Before');
  });
});
