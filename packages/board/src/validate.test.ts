import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardModel } from './BoardModel.js';
import { readShapes } from './read.js';
import { toSvg } from './svg.js';
import { readShape } from './validate.js';

const base = {
  id: 's1',
  index: 'a0',
  type: 'rect',
  x: 0,
  y: 0,
  w: 100,
  h: 50,
  stroke: '#1e1e1e',
  fill: 'none',
  strokeWidth: 2,
};

describe('newer fields from peers', () => {
  it('read as their defaults when missing (boards from the first release)', () => {
    expect(readShape(base)).toMatchObject({
      rotation: 0,
      opacity: 1,
      dash: 'solid',
      locked: false,
      groupIds: [],
      label: '',
      fontSize: 20,
      textAlign: 'center',
    });
    const arrow = readShape({ ...base, type: 'arrow', points: [0, 0, 100, 50] });
    expect(arrow).toMatchObject({
      startHead: 'none',
      endHead: 'arrow',
      route: 'straight',
      bend: 0,
    });
    const line = readShape({ ...base, type: 'line', points: [0, 0, 100, 50] });
    expect(line).toMatchObject({ startHead: 'none', endHead: 'none' });
  });

  it('read as their defaults when malformed, keeping the shape', () => {
    const shape = readShape({
      ...base,
      rotation: Number.NaN,
      opacity: 7,
      dash: 'wavy',
      locked: 'yes',
      groupIds: ['ok', '<bad>'],
      label: 42,
      fontSize: -1,
      textAlign: 'justify',
    });
    expect(shape).toMatchObject({
      rotation: 0,
      opacity: 1,
      dash: 'solid',
      locked: false,
      groupIds: [],
      label: '',
      fontSize: 20,
      textAlign: 'center',
    });
    expect(readShape({ ...base, rotation: 7 })!.rotation).toBeCloseTo(7 - 2 * Math.PI);
    expect(readShape({ ...base, type: 'line', points: [0, 0, 1, 1], rotation: 1 })!.rotation).toBe(
      0,
    );
    expect(readShape({ ...base, type: 'arrow', points: Array(40).fill(1) })).toBeNull();
    expect(
      readShape({ ...base, type: 'arrow', points: [0, 0, 1, 1], endHead: 'x', bend: 'x' }),
    ).toMatchObject({ endHead: 'arrow', bend: 0 });
    expect(readShape({ ...base, label: 'x'.repeat(20_000) })).toMatchObject({ label: '' });
  });

  it('never let one bad shape or binding stop the others from reading and exporting', () => {
    const model = new BoardModel(new Y.Doc());
    const rect = model.addShape({ ...base, type: 'rect' } as never);
    const arrow = model.addShape({ ...base, type: 'arrow', points: [0, 0, 100, 50] } as never);
    model.transact(() => {
      model.bindingMap.set(`${arrow}:end`, {
        arrowId: arrow,
        terminal: 'end',
        shapeId: rect,
        anchor: [Number.NaN, 0],
      });
      model.bindingMap.set(`${arrow}:start`, {
        arrowId: arrow,
        terminal: 'start',
        shapeId: arrow,
        anchor: [0, 0],
      });
      model.bindingMap.set('junk', 5);
      model.shapeMaps.get(rect)!.set('rotation', 'sideways');
    });
    const shapes = readShapes(model.doc);
    expect(shapes.map((s) => s.id)).toEqual([rect, arrow]);
    expect(model.bindings()).toEqual([]);
    expect(() => toSvg(shapes)).not.toThrow();
  });
});
