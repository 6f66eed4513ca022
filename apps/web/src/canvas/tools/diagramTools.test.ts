import { type SegmentShape, segmentEnds } from '@drawbridge/board';
import { describe, expect, it } from 'vitest';
import { testEditor } from '../testEditor.js';

/** Two boxes 100 wide, 200 apart, and the editor. */
function boxes() {
  const env = testEditor();
  env.drag('rect', [
    [100, 100],
    [200, 200],
  ]);
  env.drag('rect', [
    [400, 100],
    [500, 200],
  ]);
  const [left, right] = env.model.shapes();
  return { ...env, left: left!, right: right! };
}

describe('arrows and bindings', () => {
  it('binds both ends of an arrow drawn between two shapes, in one undo step', () => {
    const { model, drag, left, right } = boxes();
    drag('arrow', [
      [150, 150],
      [300, 150],
      [450, 150],
    ]);
    const arrow = model.shapes().find((s) => s.type === 'arrow') as SegmentShape;
    expect(model.bindingOf(arrow.id, 'start')?.shapeId).toBe(left.id);
    expect(model.bindingOf(arrow.id, 'end')?.shapeId).toBe(right.id);
    const [start, end] = segmentEnds(arrow);
    expect(start.x).toBeCloseTo(204);
    expect(end.x).toBeCloseTo(396);
    model.undo();
    expect(model.shapes()).toHaveLength(2);
    expect(model.bindings()).toEqual([]);
  });

  it('places an end free with Ctrl, and shows the shape it would bind to', () => {
    const { model, editor, left } = boxes();
    editor.setTool('arrow');
    editor.pointerDown({ x: 600, y: 300, pressure: 0.5, shiftKey: false, button: 0 });
    editor.pointerMove({ x: 160, y: 160, pressure: 0.5, shiftKey: false, button: 0 });
    editor.pointerMove({ x: 150, y: 150, pressure: 0.5, shiftKey: false, button: 0 });
    expect(editor.overlay.bindTarget).toBe(left.id);
    editor.pointerUp({ x: 150, y: 150, pressure: 0.5, shiftKey: false, ctrlKey: true, button: 0 });
    expect(editor.overlay.bindTarget).toBeNull();
    const arrow = model.shapes().find((s) => s.type === 'arrow')!;
    expect(model.bindingOf(arrow.id, 'end')).toBeNull();
    expect(segmentEnds(arrow as SegmentShape)[1]).toEqual({ x: 150, y: 150 });
  });

  it('moves bound ends with the shape while it is dragged, and after', () => {
    const { model, editor, drag, click, right } = boxes();
    drag('arrow', [
      [150, 150],
      [450, 150],
    ]);
    const arrowId = model.shapes().find((s) => s.type === 'arrow')!.id;
    click(425, 100); // the right box's top edge, away from its handles
    expect(editor.selection).toEqual([right.id]);
    editor.pointerDown({ x: 425, y: 100, pressure: 0.5, shiftKey: false, altKey: true, button: 0 });
    editor.pointerMove({ x: 425, y: 300, pressure: 0.5, shiftKey: false, altKey: true, button: 0 });
    // Mid-drag, the arrow shows where the box is now.
    const live = segmentEnds(editor.getShape(arrowId) as SegmentShape)[1];
    expect(live.y).toBeGreaterThan(200);
    editor.pointerUp({ x: 425, y: 300, pressure: 0.5, shiftKey: false, altKey: true, button: 0 });
    const end = segmentEnds(model.getShape(arrowId) as SegmentShape)[1];
    expect(end).toEqual(live);
  });

  it('re-binds a dragged end to the shape it is dropped on', () => {
    const { model, editor, drag, click, left } = boxes();
    drag('arrow', [
      [300, 400],
      [450, 150],
    ]);
    const arrowId = model.shapes().find((s) => s.type === 'arrow')!.id;
    click(375, 275);
    expect(editor.selection).toEqual([arrowId]);
    const [start] = segmentEnds(model.getShape(arrowId) as SegmentShape);
    drag(null, [
      [start.x, start.y],
      [150, 150],
    ]);
    expect(model.bindingOf(arrowId, 'start')?.shapeId).toBe(left.id);
  });
});

describe('rotation, snapping, groups, locks', () => {
  it('rotates a shape by its handle, snapping to 15 degrees with Shift', () => {
    const { model, editor, drag, left } = boxes();
    editor.select([left.id]);
    // Handle above the top middle: 100 - (5 + 2) - 22.
    drag(
      null,
      [
        [150, 71],
        [260, 148],
      ],
      { shiftKey: true },
    );
    expect(model.getShape(left.id)!.rotation).toBeCloseTo(Math.PI / 2);
    model.undo();
    expect(model.getShape(left.id)!.rotation).toBe(0);
  });

  it('snaps a moved shape to another one’s edge, unless Alt is held', () => {
    const { model, editor, drag, click, right } = boxes();
    click(425, 100);
    expect(editor.selection).toEqual([right.id]);
    // Dragging the right box left so its left edge lands 3 units from the left box's right edge.
    drag(null, [
      [425, 100],
      [228, 300],
    ]);
    expect(model.getShape(right.id)).toMatchObject({ x: 200, y: 300 });
    drag(
      null,
      [
        [225, 300],
        [228, 300],
      ],
      { altKey: true },
    );
    expect(model.getShape(right.id)).toMatchObject({ x: 203 });
  });

  it('selects a group on a click, one shape after a double-click into it', () => {
    const { editor, click, left, right } = boxes();
    editor.select([left.id, right.id]);
    editor.arrange.group();
    editor.select([]);
    click(150, 100);
    expect([...editor.selection].sort()).toEqual([left.id, right.id].sort());
    editor.doubleClick({ x: 150, y: 100 });
    expect(editor.selection).toEqual([left.id]);
    expect(editor.state.focus).toHaveLength(1);
    expect(editor.exitGroup()).toBe(true);
    expect([...editor.selection].sort()).toEqual([left.id, right.id].sort());
  });

  it('keeps locked shapes out of clicks, marquees and moves until unlocked', () => {
    const { model, editor, drag, click, left } = boxes();
    editor.select([left.id]);
    editor.arrange.setLocked(true);
    expect(editor.selection).toEqual([]);
    click(150, 100);
    expect(editor.selection).toEqual([]);
    drag('select', [
      [50, 50],
      [600, 600],
    ]);
    expect(editor.selection).not.toContain(left.id);
    expect(editor.hitTest({ x: 150, y: 100 }, 6, true)).toBe(left.id);
    editor.arrange.setLocked(false, [left.id]);
    expect(model.getShape(left.id)!.locked).toBe(false);
  });

  it('types a label into an unfilled box on a double-click inside it', () => {
    const { model, editor, left } = boxes();
    editor.doubleClick({ x: 150, y: 150 });
    expect(editor.state.editing).toMatchObject({ shapeId: left.id, field: 'label' });
    editor.text.input('Start');
    editor.text.commit();
    expect(model.getShape(left.id)).toMatchObject({ label: 'Start' });
  });

  it('draws the laser without touching the document', () => {
    const { doc, editor, drag } = testEditor();
    const before = doc.store.clients.size;
    drag('laser', [
      [0, 0],
      [100, 100],
    ]);
    expect(editor.laser.points().length).toBeGreaterThan(1);
    expect(doc.store.clients.size).toBe(before);
  });
});

describe('lines', () => {
  it('turns a single arrow by its rotate handle, about the middle of its box', () => {
    const { model, editor, drag } = testEditor();
    drag('arrow', [
      [100, 100],
      [300, 100],
    ]);
    const arrow = model.shapes()[0]!;
    expect(editor.selection).toEqual([arrow.id]);
    // Box (100..300, 100): handle at (200, 100 - (5 + 2) - 22); turned to the right of centre.
    drag(
      null,
      [
        [200, 71],
        [260, 100],
      ],
      { shiftKey: true },
    );
    const [start, end] = segmentEnds(model.getShape(arrow.id) as SegmentShape);
    expect(start.x).toBeCloseTo(200);
    expect(end.x).toBeCloseTo(200);
    expect(Math.abs(end.y - start.y)).toBeCloseTo(200);
  });
});
