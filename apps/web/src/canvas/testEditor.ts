/** An editor over a real BoardModel on a real Y.Doc, with a hand-driven clock, for tests. */
import { BoardModel } from '@drawbridge/board';
import * as Y from 'yjs';
import { Editor } from './Editor.js';
import type { ToolId } from './tools/registry.js';
import type { PointerInput } from './types.js';

export const at = (x: number, y: number, extra: Partial<PointerInput> = {}): PointerInput => ({
  x,
  y,
  pressure: 0.5,
  shiftKey: false,
  button: 0,
  ...extra,
});

export function testEditor(doc = new Y.Doc()) {
  const model = new BoardModel(doc);
  const clock = { now: 0 };
  const editor = new Editor(model, { now: () => clock.now, schedule: () => () => {} });
  editor.camera.setViewport(1000, 800);
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
  const shape = (id: string) => model.getShape(id)!;
  return { doc, model, editor, clock, drag, click, shape };
}
