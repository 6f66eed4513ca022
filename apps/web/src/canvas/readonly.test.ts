import { BoardModel } from '@drawbridge/board';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Editor } from './Editor.js';
import type { PointerInput } from './types.js';

const at = (x: number, y: number, extra: Partial<PointerInput> = {}): PointerInput => ({
  x,
  y,
  pressure: 0.5,
  shiftKey: false,
  button: 0,
  ...extra,
});

function setup() {
  const doc = new Y.Doc();
  const model = new BoardModel(doc);
  const editor = new Editor(model, { now: () => 0, schedule: () => () => {} });
  editor.camera.setViewport(1000, 800);
  const drag = (points: [number, number][]) => {
    const [first, ...rest] = points;
    editor.pointerDown(at(first![0], first![1]));
    for (const [x, y] of rest) editor.pointerMove(at(x, y));
    const last = points[points.length - 1]!;
    editor.pointerUp(at(last[0], last[1]));
  };
  // Something to look at, drawn while still editable.
  editor.setTool('rect');
  drag([
    [100, 100],
    [300, 250],
  ]);
  editor.setTool('text');
  editor.pointerDown(at(500, 500));
  editor.pointerUp(at(500, 500));
  editor.text.setValue('hello');
  editor.text.commit();
  const state = () => Y.encodeStateVector(doc);
  return { doc, model, editor, drag, state };
}

describe('read-only editor', () => {
  it('makes the model read-only and keeps only the select and hand tools, starting with hand', () => {
    const { model, editor } = setup();
    editor.setTool('pen');
    editor.setReadonly(true);
    expect(model.readonly).toBe(true);
    expect(editor.state.readonly).toBe(true);
    expect(editor.state.tool).toBe('hand');
    for (const tool of [
      'pen',
      'rect',
      'ellipse',
      'line',
      'arrow',
      'text',
      'sticky',
      'eraser',
    ] as const) {
      editor.setTool(tool);
      expect(editor.state.tool).not.toBe(tool);
    }
    editor.setTool('select');
    expect(editor.state.tool).toBe('select');
    editor.setReadonly(false);
    expect(model.readonly).toBe(false);
    editor.setTool('pen');
    expect(editor.state.tool).toBe('pen');
  });

  it('no gesture, command, text edit or undo changes the document', () => {
    const { model, editor, drag, state } = setup();
    const before = state();
    const shapes = model.shapes();
    const [rect, text] = shapes;
    editor.setReadonly(true);

    // Drags with the hand pan; with select, a shape is selected but not moved or resized.
    const camera = { x: editor.camera.x, y: editor.camera.y };
    drag([
      [200, 200],
      [400, 420],
    ]);
    expect(editor.camera.x).not.toBe(camera.x);
    editor.setTool('select');
    const { x, y } = editor.camera;
    const onRect = editor.camera.boardToScreen({ x: rect!.x, y: rect!.y + 40 });
    const p = editor.camera.screenToBoard(onRect);
    drag([
      [p.x, p.y],
      [p.x + 80, p.y + 60],
    ]);
    expect(editor.selection).toEqual([rect!.id]);
    // Handles do nothing either: the bottom-right corner of the selection.
    drag([
      [rect!.x + rect!.w, rect!.y + rect!.h],
      [rect!.x + rect!.w + 100, rect!.y + rect!.h + 100],
    ]);
    expect(editor.live.active).toBe(false);
    expect({ x: editor.camera.x, y: editor.camera.y }).toEqual({ x, y });

    editor.selectAll();
    editor.commands.deleteSelection();
    editor.commands.duplicate();
    editor.commands.bringToFront();
    editor.commands.sendToBack();
    editor.commands.nudge(10, 0);
    editor.commands.setStyle({ stroke: '#e03131' });
    expect(editor.commands.cut()).toBeNull();
    expect(editor.commands.copy()).not.toBeNull();
    expect(editor.commands.paste('some text')).toBe(false);
    expect(editor.commands.insert([{ ...rect!, id: undefined } as never])).toEqual([]);
    editor.undo();
    editor.redo();
    model.setName('renamed');

    // Double-click on a text, Enter on a selected text, or on the empty board: no editing.
    editor.select([text!.id]);
    expect(editor.commands.editSelected()).toBe(false);
    editor.doubleClick({ x: text!.x + 2, y: text!.y + 2 });
    editor.doubleClick({ x: 900, y: 50 });
    editor.text.edit(text!.id);
    editor.text.draft('sticky', { x: 10, y: 10 });
    expect(editor.state.editing).toBeNull();

    expect(state()).toEqual(before);
    expect(model.shapes()).toEqual(shapes);
  });

  it('drops a gesture in progress when the board turns read-only', () => {
    const { model, editor, state } = setup();
    const count = model.shapes().length;
    editor.setTool('pen');
    editor.pointerDown(at(600, 100));
    editor.pointerMove(at(650, 150));
    const during = state();
    editor.setReadonly(true);
    editor.pointerMove(at(700, 200));
    editor.pointerUp(at(700, 200));
    expect(editor.state.tool).toBe('hand');
    expect(editor.live.active).toBe(false);
    // The stroke begun before (the role came late) stays as it was; nothing more is written.
    expect(state()).toEqual(during);
    expect(model.shapes().length).toBe(count + 1);
  });
});
