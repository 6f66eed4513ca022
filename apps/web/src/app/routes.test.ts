import { BOARD_ID_PATTERN } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import { boardPath, newBoardId, parseRoute } from './routes.js';

describe('routes', () => {
  it('parses the new-board, board and unknown routes', () => {
    expect(parseRoute('/')).toEqual({ kind: 'new' });
    expect(parseRoute('/b/abc_DEF-123')).toEqual({ kind: 'board', boardId: 'abc_DEF-123' });
    expect(parseRoute('/b/abc/')).toEqual({ kind: 'board', boardId: 'abc' });
    expect(parseRoute('/b/has%20space')).toEqual({ kind: 'notFound' });
    expect(parseRoute(`/b/${'x'.repeat(65)}`)).toEqual({ kind: 'notFound' });
    expect(parseRoute('/elsewhere')).toEqual({ kind: 'notFound' });
  });

  it('makes valid, distinct board ids', () => {
    const a = newBoardId();
    expect(a).toMatch(BOARD_ID_PATTERN);
    expect(a).not.toBe(newBoardId());
    expect(parseRoute(boardPath(a))).toEqual({ kind: 'board', boardId: a });
  });
});
