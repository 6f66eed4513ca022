import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardModel } from './BoardModel.js';
import {
  entities,
  entityKey,
  entityMembers,
  groupPatches,
  hasGroupAt,
  remapGroups,
  ungroupPatches,
} from './groups.js';
import type { Shape } from './schema.js';
import { rect, shape } from './testing.js';

const s = (id: string, groupIds: string[]): Shape => shape(rect(0, 0, 10, 10, { groupIds }), id);

describe('group selection', () => {
  // g1 = { a, g2 = { b, c } }, d alone.
  const a = s('a', ['g1']);
  const b = s('b', ['g1', 'g2']);
  const c = s('c', ['g1', 'g2']);
  const d = s('d', []);
  const all = [a, b, c, d];
  const ids = (list: Shape[]) => list.map((x) => x.id);

  it('selects the outermost group on a click, and a shape on its own', () => {
    expect(ids(entityMembers(b, all, []))).toEqual(['a', 'b', 'c']);
    expect(ids(entityMembers(d, all, []))).toEqual(['d']);
    expect(entityKey(c, [])).toBe('g1');
  });

  it('selects one level down once the group is entered', () => {
    expect(ids(entityMembers(b, all, ['g1']))).toEqual(['b', 'c']);
    expect(ids(entityMembers(a, all, ['g1']))).toEqual(['a']);
    expect(ids(entityMembers(c, all, ['g1', 'g2']))).toEqual(['c']);
    // A shape outside the entered group is taken from the top.
    expect(ids(entityMembers(d, all, ['g1']))).toEqual(['d']);
  });

  it('bundles a selection by group for align and distribute', () => {
    expect(entities(all, []).map(ids)).toEqual([['a', 'b', 'c'], ['d']]);
    expect(entities([a, b, c], ['g1']).map(ids)).toEqual([['a'], ['b', 'c']]);
  });

  it('groups at the current level and ungroups one level', () => {
    expect(groupPatches([a, d], 'g9', [])).toEqual([
      { id: 'a', groupIds: ['g9', 'g1'] },
      { id: 'd', groupIds: ['g9'] },
    ]);
    expect(groupPatches([b, a], 'g9', ['g1'])).toEqual([
      { id: 'b', groupIds: ['g1', 'g9', 'g2'] },
      { id: 'a', groupIds: ['g1', 'g9'] },
    ]);
    expect(ungroupPatches(all, [])).toEqual([
      { id: 'a', groupIds: [] },
      { id: 'b', groupIds: ['g2'] },
      { id: 'c', groupIds: ['g2'] },
    ]);
    expect(hasGroupAt([d], [])).toBe(false);
    expect(hasGroupAt([b], ['g1'])).toBe(true);
  });

  it('gives copies groups of their own', () => {
    let n = 0;
    const copies = remapGroups(
      [{ groupIds: ['g1', 'g2'] }, { groupIds: ['g1'] }, {}],
      () => `n${++n}`,
    );
    expect(copies).toEqual([{ groupIds: ['n1', 'n2'] }, { groupIds: ['n1'] }, {}]);
  });

  it('stores groups as a shape field that merges and undoes like others', () => {
    const model = new BoardModel(new Y.Doc());
    const [x, y] = model.addShapes([rect(0, 0), rect(200, 0)]);
    model.stopCapturing();
    model.transact(() => {
      for (const p of groupPatches(model.shapes(), 'grp', [])) {
        model.updateShape(p.id, { groupIds: p.groupIds });
      }
    });
    expect(model.getShape(x!)?.groupIds).toEqual(['grp']);
    expect(model.getShape(y!)?.groupIds).toEqual(['grp']);
    model.undo();
    expect(model.getShape(x!)?.groupIds).toEqual([]);
  });
});
