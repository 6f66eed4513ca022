import { describe, expect, it } from 'vitest';
import { transformIndex } from './textCaret.js';

describe('transformIndex', () => {
  it('moves a caret past text inserted or deleted before it', () => {
    expect(transformIndex(5, [{ insert: 'abc' }])).toBe(8);
    expect(transformIndex(5, [{ retain: 2 }, { delete: 2 }])).toBe(3);
    expect(transformIndex(5, [{ retain: 3 }, { delete: 10 }])).toBe(3);
  });

  it('leaves a caret alone for changes after it', () => {
    expect(transformIndex(2, [{ retain: 4 }, { insert: 'xyz' }])).toBe(2);
    expect(transformIndex(2, [{ retain: 3 }, { delete: 1 }])).toBe(2);
  });

  it('keeps the caret before text typed at the same spot', () => {
    expect(transformIndex(4, [{ retain: 4 }, { insert: 'b' }])).toBe(4);
  });
});
