import { BoardModel } from '@drawbridge/board';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { findMatches } from './findMatches.js';

describe('findMatches', () => {
  it('finds text, notes and labels in any case, top to bottom then left to right', () => {
    const model = new BoardModel(new Y.Doc());
    const style = { stroke: '#1e1e1e', fill: 'none', strokeWidth: 2 };
    const [low, note, box, other] = model.addShapes([
      { type: 'text', x: 0, y: 300, w: 50, h: 20, text: 'Budget review', fontSize: 16, ...style },
      { type: 'sticky', x: 400, y: 0, w: 200, h: 200, text: 'budget: 5k', fontSize: 16, ...style },
      { type: 'rect', x: 0, y: 0, w: 100, h: 100, label: 'BUDGET', ...style },
      { type: 'rect', x: 0, y: 600, w: 100, h: 100, label: 'other', ...style },
    ]);
    expect(findMatches(model.shapes(), ' budget ').map((s) => s.id)).toEqual([box, note, low]);
    expect(findMatches(model.shapes(), 'OTHER').map((s) => s.id)).toEqual([other]);
    expect(findMatches(model.shapes(), '   ')).toEqual([]);
  });
});
