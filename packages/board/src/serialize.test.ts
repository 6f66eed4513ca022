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
    expect(pasted?.shapes).toHaveLength(5);
    const target = new BoardModel(new Y.Doc());
    const ids = target.addShapes(placeShapes(pasted!.shapes, { x: 1000, y: 1000 }));
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
    expect(parseShapes(text)).toEqual({ shapes: [], bindings: [] });
  });

  it('carries bindings between the copied shapes, by position, and drops bad ones', () => {
    const source = new BoardModel(new Y.Doc());
    const box = { w: 100, h: 100, stroke: '#1e1e1e', fill: 'none', strokeWidth: 2 };
    const [a, b] = source.addShapes([
      { type: 'rect', x: 0, y: 0, ...box },
      { type: 'ellipse', x: 300, y: 0, ...box },
    ]);
    const arrow = source.addShape({
      type: 'arrow',
      ...{ x: 50, y: 50, w: 300, h: 0, points: [0, 0, 300, 0] },
      ...{ stroke: '#1e1e1e', fill: 'none', strokeWidth: 2 },
    });
    source.bind({ arrowId: arrow, terminal: 'start', shapeId: a!, anchor: { x: 0.5, y: 0.5 } });
    source.bind({ arrowId: arrow, terminal: 'end', shapeId: b!, anchor: { x: 0.5, y: 0.5 } });
    // Only the rectangle and the arrow: the end bound to the ellipse does not travel.
    const picked = source.shapes().filter((s) => s.id !== b);
    const content = parseShapes(serializeShapes(picked, source.bindings()))!;
    expect(content.bindings).toEqual([
      { arrow: 1, terminal: 'start', shape: 0, anchor: { x: 0.5, y: 0.5 } },
    ]);
    const hostile = JSON.stringify({
      type: 'drawbridge/shapes',
      shapes: JSON.parse(serializeShapes(picked)).shapes,
      bindings: [
        { arrow: 1, terminal: 'middle', shape: 0, anchor: { x: 0.5, y: 0.5 } },
        { arrow: 0, terminal: 'end', shape: 1, anchor: { x: 0.5, y: 0.5 } },
        { arrow: 1, terminal: 'end', shape: 9, anchor: { x: 0.5, y: 0.5 } },
        { arrow: 1, terminal: 'end', shape: 0, anchor: { x: 5, y: 0.5 } },
      ],
    });
    expect(parseShapes(hostile)!.bindings).toEqual([]);
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
    expect(svg).toContain('<polyline'); // the arrowhead
    expect(svg).toContain('<path');
    // The sticky's text wraps into several lines.
    expect(svg.match(/<tspan/g)?.length).toBeGreaterThan(2);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });
});

describe('SVG export of styles', () => {
  const base = { stroke: '#1e1e1e', fill: 'none', strokeWidth: 4 } as const;

  it('rotates, fades and dashes shapes, and draws diamonds, heads and labels', () => {
    const m = new BoardModel(new Y.Doc());
    m.addShapes([
      {
        type: 'rect',
        ...{ x: 0, y: 0, w: 100, h: 50, ...base },
        rotation: Math.PI / 2,
        opacity: 0.5,
        dash: 'dashed',
        label: 'Start <here>',
      },
      { type: 'diamond', x: 200, y: 0, w: 100, h: 100, ...base, dash: 'dotted' },
      {
        type: 'arrow',
        ...{ x: 0, y: 200, w: 100, h: 0, points: [0, 0, 100, 0], ...base },
        startHead: 'dot',
        endHead: 'triangle',
        route: 'curved',
        bend: 30,
        label: 'yes',
      },
    ]);
    const svg = toSvg(m.shapes(), { background: '#ffffff' });
    expect(svg).toContain('transform="rotate(90 50 25)"');
    expect(svg).toContain('opacity="0.5"');
    expect(svg).toContain('stroke-dasharray="14 12"');
    expect(svg).toContain('stroke-dasharray="0 10"');
    expect(svg).toContain('<polygon points="250,0 300,50 250,100 200,50"');
    expect(svg).toMatch(/<path d="M0 200Q50 140 100 200"/);
    expect(svg).toContain('<circle');
    expect(svg).toContain('>Start</tspan><tspan x="50" y="45">&lt;here&gt;</tspan>');
    expect(svg).toContain('text-anchor="middle"');
    expect(svg).toContain('>yes</tspan>');
  });
});
