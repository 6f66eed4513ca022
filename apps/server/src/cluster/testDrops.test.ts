import { describe, expect, it } from 'vitest';
import type { BoardMessage } from './messages.js';
import { testDrops } from './testDrops.js';

const message = (type: 'repair' | 'query') => ({ type, node: 'n', boardId: 'b' }) as BoardMessage;

describe('testDrops (DRAWBRIDGE_TEST_DROP_BUS)', () => {
  it('drops every message of a plain type, and only the first N of `type:N`', () => {
    const drops = testDrops(['query', 'repair:2']);
    expect([1, 2, 3, 4].map(() => drops(message('repair')))).toEqual([true, true, false, false]);
    expect([1, 2, 3].map(() => drops(message('query')))).toEqual([true, true, true]);
  });

  it('refuses an entry it cannot read', () => {
    expect(() => testDrops(['repair:x'])).toThrow(/bad entry repair:x/);
    expect(() => testDrops([':1'])).toThrow(/bad entry/);
  });
});
