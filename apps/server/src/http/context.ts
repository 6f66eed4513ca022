import { isValidBoardId } from '@drawbridge/protocol';
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import type { BoardRoom } from '../rooms/BoardRoom.js';
import type { RoomManager } from '../rooms/RoomManager.js';
import { notFound } from './errors.js';

/** Every route's environment: the node request and response stay reachable (static files). */
export interface HttpEnv {
  Bindings: HttpBindings;
}

export interface Readiness {
  ready: boolean;
  /** Each dependency: 'ok', or why it is not. */
  checks: Record<string, string>;
}

/** The base URL clients reach this server at: PUBLIC_URL, else the request's Host. */
export function baseUrl(publicUrl: string | null, c: Context): string {
  if (publicUrl) return publicUrl;
  const proto = c.req.header('x-forwarded-proto') === 'https' ? 'https' : 'http';
  return `${proto}://${c.req.header('host') ?? 'localhost'}`;
}

/**
 * Refuses (404) a request whose `:id` is not a board id, before any handler sees it: a board id
 * is also a storage key, so nothing else may get that far.
 */
export const boardIdParam: MiddlewareHandler<HttpEnv> = async (c, next) => {
  if (!isValidBoardId(c.req.param('id'))) throw notFound('no such board');
  await next();
};

/**
 * Runs `fn` with the board's live document: loaded (or already in memory) for the call and
 * released afterwards, so a preview never keeps a board in memory.
 */
export async function withBoard<T>(
  rooms: RoomManager,
  boardId: string,
  fn: (room: BoardRoom) => T,
): Promise<T> {
  const room = await rooms.acquire(boardId);
  try {
    return fn(room);
  } finally {
    rooms.releaseIfIdle(boardId);
  }
}
