import { BOARD_ID_PATTERN } from '@drawbridge/protocol';
import { nanoid } from 'nanoid';

export type Route = { kind: 'new' } | { kind: 'board'; boardId: string } | { kind: 'notFound' };

/** `/` makes a new board; `/b/<id>` opens one; anything else is not ours. */
export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { kind: 'new' };
  const match = /^\/b\/([^/]+)\/?$/.exec(pathname);
  if (match) {
    const boardId = decodeURIComponent(match[1]!);
    if (BOARD_ID_PATTERN.test(boardId)) return { kind: 'board', boardId };
  }
  return { kind: 'notFound' };
}

export const boardPath = (boardId: string): string => `/b/${boardId}`;

/** nanoid's alphabet is exactly the board id alphabet; 21 characters are unguessable. */
export const newBoardId = (): string => nanoid();
