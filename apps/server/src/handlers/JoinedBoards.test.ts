import { describe, expect, it } from 'vitest';
import type { Grant } from '../auth/BoardAccess.js';
import { JoinedBoards } from './JoinedBoards.js';

const grant = (role: string): Grant => ({ role }) as unknown as Grant;

describe('JoinedBoards', () => {
  it('answers like a Map through joins, rejoins and leaves, in join order', () => {
    const boards = new JoinedBoards();
    const model = new Map<string, Grant>();
    const check = () => {
      expect(boards.size).toBe(model.size);
      expect(boards.ids()).toEqual([...model.keys()]);
      for (const id of ['a', 'b', 'c', 'd']) {
        expect(boards.has(id)).toBe(model.has(id));
        expect(boards.get(id)).toBe(model.get(id));
      }
    };
    check();
    const steps: [op: 'set' | 'delete', id: string][] = [
      ['set', 'a'],
      ['set', 'a'],
      ['set', 'b'],
      ['set', 'c'],
      ['delete', 'a'],
      ['set', 'a'],
      ['delete', 'c'],
      ['delete', 'd'],
      ['delete', 'b'],
      ['set', 'b'],
      ['delete', 'a'],
      ['delete', 'b'],
      ['delete', 'b'],
      ['set', 'd'],
    ];
    for (const [i, [op, id]] of steps.entries()) {
      if (op === 'set') {
        const g = grant(`${id}${i}`);
        boards.set(id, g);
        model.set(id, g);
      } else {
        expect(boards.delete(id)).toBe(model.delete(id));
      }
      check();
    }
  });

  it('gives a copy of the ids, so leaving while going through them is safe', () => {
    const boards = new JoinedBoards();
    boards.set('a', grant('a'));
    boards.set('b', grant('b'));
    for (const id of boards.ids()) boards.delete(id);
    expect(boards.size).toBe(0);
    expect(boards.ids()).toEqual([]);
  });
});
