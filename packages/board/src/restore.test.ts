import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardModel } from './BoardModel.js';
import { arrow, expectSameDocs, fork, mergeDocs, pair, rect } from './testing.js';

/** A copy of the board as it is now, as a stored version would be. */
const version = (model: BoardModel): Y.Doc => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(model.doc));
  return doc;
};

const content = (model: BoardModel) => ({
  name: model.name,
  shapes: model.shapes(),
  bindings: model.bindings(),
});

describe('restoring a version', () => {
  it('brings back deleted shapes with their ids, drops added ones, reverts changes and text', () => {
    const model = new BoardModel(new Y.Doc());
    model.setName('Plan');
    const [box, other] = model.addShapes([rect(0, 0, 100, 100, { label: 'hello' }), rect(300, 0)]);
    const [link] = model.addShapes([arrow(100, 50, 300, 50)]);
    model.bind({ arrowId: link!, terminal: 'end', shapeId: other!, anchor: { x: 0, y: 0.5 } });
    const saved = version(model);
    const before = content(model);

    model.deleteShapes([other!]);
    model.updateShape(box!, { x: 40, fill: '#ffffff', label: 'hello world' });
    model.addShape(rect(600, 600));
    model.setName('Renamed');
    expect(content(model)).not.toEqual(before);

    const summary = model.restore(saved);
    expect(summary).toEqual({ added: 1, removed: 1, changed: expect.any(Number) });
    expect(content(model)).toEqual(before);
    // The label stayed one Y.Text, edited in place: typing peers keep their positions.
    expect(model.shapeMaps.get(box!)!.get('label')).toBeInstanceOf(Y.Text);
  });

  it("is one step of the restorer's undo, and redo brings it back", () => {
    const model = new BoardModel(new Y.Doc());
    const [a] = model.addShapes([rect(0, 0)]);
    const saved = version(model);
    model.stopCapturing();
    model.deleteShapes([a!]);
    const [b] = model.addShapes([rect(200, 0)]);
    const edited = content(model);

    model.restore(saved);
    expect(model.shapes().map((s) => s.id)).toEqual([a]);
    model.undo();
    expect(content(model)).toEqual(edited);
    expect(model.getShape(b!)).not.toBeNull();
    model.redo();
    expect(model.shapes().map((s) => s.id)).toEqual([a]);
  });

  it('reaches every peer as an ordinary update, and leaves their own undo alone', () => {
    const { a, b } = pair();
    const [kept] = a.addShapes([rect(0, 0)]);
    const saved = version(a);
    b.addShape(rect(500, 500));
    b.stopCapturing();
    a.deleteShapes([kept!]);

    a.restore(saved);
    expect(b.shapes().map((s) => s.id)).toEqual([kept]);
    expect(expectSameDocs(a.doc, b.doc)).toBe(true);
    // B's undo manager only holds B's own step: undoing it removes nothing A restored.
    b.undo();
    expect(b.shapes().map((s) => s.id)).toEqual([kept]);
  });

  it('merges with concurrent edits like any change', () => {
    const a = new BoardModel(new Y.Doc());
    const [box] = a.addShapes([rect(0, 0)]);
    const saved = version(a);
    a.updateShape(box!, { x: 50 });
    const b = fork(a);
    const [fresh] = b.addShapes([rect(900, 0)]);
    a.restore(saved);
    mergeDocs(a.doc, b.doc);
    expect(expectSameDocs(a.doc, b.doc)).toBe(true);
    // The restore removed what it knew of; B's concurrent shape survives, as after any edit.
    expect(a.getShape(box!)?.x).toBe(0);
    expect(a.getShape(fresh!)).not.toBeNull();
  });

  it('changes nothing when the board already equals the version', () => {
    const model = new BoardModel(new Y.Doc());
    model.addShapes([rect(0, 0, 10, 10, { label: 'x' }), arrow(0, 0, 5, 5)]);
    const updates: Uint8Array[] = [];
    model.doc.on('update', (u: Uint8Array) => updates.push(u));
    expect(model.restore(version(model))).toEqual({ added: 0, removed: 0, changed: 0 });
    expect(updates).toEqual([]);
  });
});
