import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardModel } from './BoardModel.js';
import {
  BoardFileError,
  parseBoard,
  parseShapes,
  placeShapes,
  serializeBoard,
  serializeShapes,
} from './serialize.js';
import { toSvg } from './svg.js';

const model = () => {
  const m = new BoardModel(new Y.Doc());
  m.addShapes([
    { type: 'rect', x: 10, y: 10, w: 100, h: 50, stroke: '#1e1e1e', fill: 'none', strokeWidth: 4 },
    {
      type: 'text',
      x: 0,
      y: 100,
      w: 80,
      h: 30,
      text: '<script>alert("x")</script> & co',
      fontSize: 20,
      stroke: '#1e1e1e',
      fill: 'none',
      strokeWidth: 1,
    },
    {
      type: 'arrow',
      x: 0,
      y: 0,
      w: 50,
      h: 50,
      points: [0, 0, 50, 50],
      stroke: '#e03131',
      fill: 'none',
      strokeWidth: 2,
    },
    {
      type: 'pen',
      x: 5,
      y: 5,
      w: 20,
      h: 20,
      points: [0, 0, 0.5, 10, 10, 0.5, 20, 20, 0.5],
      stroke: '#1971c2',
      fill: 'none',
      strokeWidth: 3,
    },
    {
      type: 'sticky',
      x: 300,
      y: 0,
      w: 200,
      h: 200,
      text: 'a sticky note with several words to wrap',
      fontSize: 20,
      stroke: '#1e1e1e',
      fill: '#ffec99',
      strokeWidth: 0,
    },
  ]);
  return m;
};

describe('clipboard and files', () => {
  it('copies shapes to another board and places them', () => {
    const source = model();
    const text = serializeShapes(source.shapes());
    const pasted = parseShapes(text);
    expect(pasted).toHaveLength(5);
    const target = new BoardModel(new Y.Doc());
    const ids = target.addShapes(placeShapes(pasted!, { x: 1000, y: 1000 }));
    expect(ids).toHaveLength(5);
    const xs = target.shapes().map((s) => s.x);
    expect(Math.min(...xs)).toBe(1000);
  });

  it('ignores clipboard text that is not shapes, and drops malformed shapes', () => {
    expect(parseShapes('hello')).toBeNull();
    expect(parseShapes('{"type":"other"}')).toBeNull();
    const text = JSON.stringify({
      type: 'drawbridge/shapes',
      version: 1,
      shapes: [{ type: 'rect' }, null, 5],
    });
    expect(parseShapes(text)).toEqual([]);
  });

  it('round-trips a board file', () => {
    const source = model();
    source.setName('Plan');
    const file = parseBoard(serializeBoard(source.name, source.shapes()));
    expect(file.name).toBe('Plan');
    expect(file.shapes).toHaveLength(5);
    expect(() => parseBoard('nope')).toThrow(BoardFileError);
    expect(() => parseBoard('{"type":"drawbridge/board","version":9}')).toThrow(/version/);
  });
});

describe('SVG export', () => {
  it('escapes user text and includes every shape', () => {
    const svg = toSvg(model().shapes(), { background: '#ffffff' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(svg.match(/<rect /g)?.length).toBe(3); // background, rect, sticky note
    expect(svg).not.toContain('<ellipse');
    expect(svg).toContain('<polyline');
    expect(svg).toContain('<path');
    // The sticky's text wraps into several lines.
    expect(svg.match(/<tspan/g)?.length).toBeGreaterThan(2);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });
});
