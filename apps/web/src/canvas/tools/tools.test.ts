import { BoardModel, type PenShape, type Shape } from '@drawbridge/board';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Editor } from '../Editor.js';
import type { PointerInput, ToolId } from '../types.js';

const at = (x: number, y: number, extra: Partial<PointerInput> = {}): PointerInput => ({
  x,
  y,
  pressure: 0.5,
  shiftKey: false,
  button: 0,
  ...extra,
});

/** An editor over a real BoardModel on a real Y.Doc, with a hand-driven clock and timers. */
function setup() {
  const doc = new Y.Doc();
  const model = new BoardModel(doc);
  const clock = { now: 0 };
  const timers = new Set<() => void>();
  const editor = new Editor(model, {
    now: () => clock.now,
    schedule: (fn) => {
      timers.add(fn);
      return () => timers.delete(fn);
    },
  });
  editor.camera.setViewport(1000, 800);
  const runTimers = () => {
    for (const fn of [...timers]) {
      timers.delete(fn);
      fn();
    }
  };
  const drag = (
    tool: ToolId | null,
    points: [number, number][],
    extra: Partial<PointerInput> = {},
  ) => {
    if (tool) editor.setTool(tool);
    const [first, ...rest] = points;
    editor.pointerDown(at(first![0], first![1], extra));
    for (const [x, y] of rest) editor.pointerMove(at(x, y, extra));
    const last = points[points.length - 1]!;
    editor.pointerUp(at(last[0], last[1], extra));
  };
  const click = (x: number, y: number, extra: Partial<PointerInput> = {}) =>
    drag(null, [[x, y]], extra);
  const shapes = () => model.shapes();
  return { doc, model, editor, clock, runTimers, drag, click, shapes };
}

const only = (list: Shape[]): Shape => {
  expect(list).toHaveLength(1);
  return list[0]!;
};

describe('drawing tools', () => {
  it('drags a rectangle, selects it and returns to select; one undo step removes it', () => {
    const { editor, model, drag, shapes } = setup();
    drag('rect', [
      [100, 100],
      [150, 130],
      [300, 250],
    ]);
    const rect = only(shapes());
    expect(rect).toMatchObject({ type: 'rect', x: 100, y: 100, w: 200, h: 150 });
    expect(rect).toMatchObject({ stroke: '#1e1e1e', fill: 'none', strokeWidth: 4 });
    expect(editor.state.tool).toBe('select');
    expect(editor.selection).toEqual([rect.id]);
    model.undo();
    expect(shapes()).toHaveLength(0);
  });

  it('creates nothing on a click, and a square with Shift', () => {
    const { drag, click, editor, shapes } = setup();
    editor.setTool('ellipse');
    click(50, 50);
    expect(shapes()).toHaveLength(0);
    drag(
      'ellipse',
      [
        [300, 300],
        [200, 260],
      ],
      { shiftKey: true },
    );
    expect(only(shapes())).toMatchObject({ type: 'ellipse', x: 200, y: 200, w: 100, h: 100 });
  });

  it('keeps the tool when locked', () => {
    const { editor, drag } = setup();
    editor.setTool('rect');
    editor.toggleToolLock();
    drag(null, [
      [0, 0],
      [50, 50],
    ]);
    expect(editor.state.tool).toBe('rect');
  });

  it('draws lines and arrows with points relative to their bounds', () => {
    const { drag, shapes } = setup();
    drag('line', [
      [300, 100],
      [100, 200],
    ]);
    drag('arrow', [
      [10, 10],
      [60, 10],
    ]);
    const [line, arrow] = shapes();
    expect(line).toMatchObject({ type: 'line', x: 100, y: 100, w: 200, h: 100 });
    expect(line).toMatchObject({ points: [200, 0, 0, 100] });
    expect(arrow).toMatchObject({
      type: 'arrow',
      x: 10,
      y: 10,
      w: 50,
      h: 0,
      points: [0, 0, 50, 0],
    });
  });

  it('draws a pen stroke live, throttled, as one undo step; the pen stays active', () => {
    const { editor, model, clock, runTimers, shapes } = setup();
    editor.setTool('pen');
    editor.pointerDown(at(100, 100, { pressure: 0.3 }));
    const id = only(shapes()).id;
    clock.now = 10;
    editor.pointerMove(at(110, 105, { pressure: 0.4 }));
    // First write goes out at once; the next ones wait for the interval.
    clock.now = 20;
    editor.pointerMove(at(120, 90, { pressure: 0.6 }));
    expect((model.getShape(id) as PenShape).points).toHaveLength(6);
    expect((editor.getShape(id) as PenShape).points).toHaveLength(9);
    clock.now = 70;
    runTimers();
    expect((model.getShape(id) as PenShape).points).toHaveLength(9);
    editor.pointerMove(at(130, 120));
    editor.pointerUp(at(130, 120));
    const pen = model.getShape(id) as PenShape;
    expect(pen).toMatchObject({ type: 'pen', x: 100, y: 90, w: 30, h: 30 });
    expect(pen.points).toEqual([0, 10, 0.3, 10, 15, 0.4, 20, 0, 0.6, 30, 30, 0.5]);
    expect(editor.state.tool).toBe('pen');
    expect(editor.live.active).toBe(false);

    editor.pointerDown(at(0, 0));
    editor.pointerUp(at(0, 0));
    expect(shapes()).toHaveLength(2);
    model.undo();
    expect(shapes()).toHaveLength(1);
    model.undo();
    expect(shapes()).toHaveLength(0);
  });

  it('erases what the eraser passes over when the pointer lifts, in one step', () => {
    const { editor, model, drag, shapes } = setup();
    drag('line', [
      [100, 0],
      [100, 200],
    ]);
    drag('line', [
      [200, 0],
      [200, 200],
    ]);
    drag('rect', [
      [500, 500],
      [600, 600],
    ]);
    editor.setTool('eraser');
    editor.pointerDown(at(50, 100));
    editor.pointerMove(at(250, 100));
    expect(editor.overlay.erasing.size).toBe(2);
    expect(shapes()).toHaveLength(3);
    editor.pointerUp(at(250, 100));
    expect(only(shapes()).type).toBe('rect');
    expect(editor.state.tool).toBe('eraser');
    model.undo();
    expect(shapes()).toHaveLength(3);
  });
});

describe('text and sticky tools', () => {
  it('creates text on commit and discards an empty one', () => {
    const { editor, click, shapes } = setup();
    editor.setTool('text');
    click(100, 100);
    expect(editor.state.editing?.isNew).toBe(true);
    expect(shapes()).toHaveLength(0);
    editor.text.setValue('Hello\nworld  ');
    editor.text.commit();
    const text = only(shapes());
    expect(text).toMatchObject({ type: 'text', text: 'Hello\nworld', fontSize: 24, x: 100 });
    expect(text.h).toBe(60);
    expect(editor.state.tool).toBe('select');
    expect(editor.state.editing).toBeNull();

    editor.setTool('text');
    click(400, 400);
    editor.text.setValue('   ');
    editor.text.commit();
    expect(shapes()).toHaveLength(1);
  });

  it('edits existing text in place and deletes it when emptied', () => {
    const { editor, model, click, shapes } = setup();
    editor.setTool('sticky');
    click(300, 300);
    editor.text.setValue('Note');
    editor.text.commit();
    const sticky = only(shapes());
    expect(sticky).toMatchObject({ type: 'sticky', x: 200, y: 200, w: 200, h: 200 });
    expect(sticky.fill).toBe('#ffec99');

    editor.doubleClick({ x: 250, y: 250 });
    expect(editor.state.editing?.shapeId).toBe(sticky.id);
    expect(editor.text.value).toBe('Note');
    editor.text.setValue('Changed');
    // Clicking on the canvas while editing commits.
    editor.pointerDown(at(900, 700));
    expect(model.getShape(sticky.id)).toMatchObject({ text: 'Changed' });

    editor.doubleClick({ x: 250, y: 250 });
    editor.text.setValue('');
    editor.text.commit();
    expect(shapes()).toHaveLength(0);
    model.undo();
    expect(only(shapes())).toMatchObject({ text: 'Changed' });
  });
});

describe('select tool', () => {
  function board() {
    const env = setup();
    env.drag('rect', [
      [0, 0],
      [100, 100],
    ]);
    env.drag('rect', [
      [200, 0],
      [300, 100],
    ]);
    env.drag('ellipse', [
      [0, 300],
      [100, 400],
    ]);
    const [a, b, c] = env.shapes();
    env.editor.select([]);
    return { ...env, a: a!, b: b!, c: c! };
  }

  it('selects by click, toggles with Shift-click, clears on empty click', () => {
    const { editor, click, a, b } = board();
    click(0, 50);
    expect(editor.selection).toEqual([a.id]);
    click(200, 50, { shiftKey: true });
    expect(editor.selection).toEqual([a.id, b.id]);
    click(200, 50, { shiftKey: true });
    expect(editor.selection).toEqual([a.id]);
    click(700, 700);
    expect(editor.selection).toEqual([]);
  });

  it('selects what a marquee encloses', () => {
    const { editor, drag, a, c } = board();
    drag('select', [
      [-10, -10],
      [60, 200],
      [150, 450],
    ]);
    expect([...editor.selection].sort()).toEqual([a.id, c.id].sort());
    expect(editor.overlay.marquee).toBeNull();
  });

  it('moves the selection as one undo step', () => {
    const { editor, model, drag, click, a, b } = board();
    click(0, 50);
    click(200, 50, { shiftKey: true });
    // Between the two unfilled rectangles, but inside the selection: a move.
    drag(null, [
      [150, 50],
      [170, 60],
      [200, 90],
    ]);
    expect(model.getShape(a.id)).toMatchObject({ x: 50, y: 40 });
    expect(model.getShape(b.id)).toMatchObject({ x: 250, y: 40 });
    expect(editor.live.active).toBe(false);
    model.undo();
    expect(model.getShape(a.id)).toMatchObject({ x: 0, y: 0 });
    expect(model.getShape(b.id)).toMatchObject({ x: 200, y: 0 });
  });

  it('resizes with a corner handle', () => {
    const { editor, model, drag, click, a } = board();
    click(0, 50);
    // The frame sits outside the stroke (half of 4) plus 5 screen pixels; its handle is there.
    drag(null, [
      [107, 107],
      [207, 157],
    ]);
    expect(model.getShape(a.id)).toMatchObject({ x: 0, y: 0, w: 200, h: 150 });
    expect(editor.selection).toEqual([a.id]);
  });

  it('drags a line end point', () => {
    const { model, drag, click, shapes } = setup();
    drag('line', [
      [0, 0],
      [100, 0],
    ]);
    const line = only(shapes());
    click(50, 0);
    drag(null, [
      [100, 0],
      [100, 100],
    ]);
    expect(model.getShape(line.id)).toMatchObject({ x: 0, y: 0, w: 100, h: 100 });
    expect(model.getShape(line.id)).toMatchObject({ points: [0, 0, 100, 100] });
  });
});

describe('commands', () => {
  it('duplicates, deletes and reorders', () => {
    const { editor, model, drag, shapes } = setup();
    drag('rect', [
      [0, 0],
      [100, 100],
    ]);
    drag('rect', [
      [50, 50],
      [150, 150],
    ]);
    const [first, second] = shapes();
    editor.select([first!.id]);
    editor.commands.bringToFront();
    expect(shapes().map((s) => s.id)).toEqual([second!.id, first!.id]);
    editor.commands.sendToBack();
    expect(shapes().map((s) => s.id)).toEqual([first!.id, second!.id]);

    editor.commands.duplicate();
    expect(shapes()).toHaveLength(3);
    const copy = shapes()[2]!;
    expect(copy).toMatchObject({ x: 24, y: 24, w: 100 });
    expect(editor.selection).toEqual([copy.id]);

    editor.commands.deleteSelection();
    expect(shapes()).toHaveLength(2);
    model.undo();
    expect(shapes()).toHaveLength(3);
  });

  it('copies and pastes between boards through clipboard text', () => {
    const source = setup();
    source.drag('pen', [
      [10, 10],
      [30, 40],
      [60, 20],
    ]);
    source.editor.selectAll();
    const text = source.editor.commands.copy();
    expect(text).toContain('drawbridge/shapes');

    const target = setup();
    target.editor.pointer = { x: 500, y: 500 };
    expect(target.editor.commands.paste(text!)).toBe(true);
    const pasted = only(target.shapes());
    expect(pasted.type).toBe('pen');
    expect(pasted.x + pasted.w / 2).toBeCloseTo(500);
    expect(target.editor.selection).toEqual([pasted.id]);

    expect(target.editor.commands.paste('just words')).toBe(true);
    expect(target.shapes()[1]).toMatchObject({ type: 'text', text: 'just words' });
  });

  it('applies style changes to the selection and to new shapes', () => {
    const { editor, model, drag, shapes } = setup();
    drag('rect', [
      [0, 0],
      [100, 100],
    ]);
    const rect = only(shapes());
    editor.commands.setStyle({ stroke: '#e03131', fill: '#a5d8ff', strokeWidth: 8 });
    expect(model.getShape(rect.id)).toMatchObject({
      stroke: '#e03131',
      fill: '#a5d8ff',
      strokeWidth: 8,
    });
    model.undo();
    expect(model.getShape(rect.id)).toMatchObject({ stroke: '#1e1e1e', fill: 'none' });
    drag('ellipse', [
      [200, 200],
      [300, 300],
    ]);
    expect(shapes()[1]).toMatchObject({ stroke: '#e03131', fill: '#a5d8ff', strokeWidth: 8 });
  });

  it('makes each action its own undo step, however fast', () => {
    const { model, drag, shapes } = setup();
    for (let i = 0; i < 3; i++) {
      drag('rect', [
        [i * 10, 0],
        [i * 10 + 50, 50],
      ]);
    }
    model.undo();
    expect(shapes()).toHaveLength(2);
    model.redo();
    expect(shapes()).toHaveLength(3);
  });
});
