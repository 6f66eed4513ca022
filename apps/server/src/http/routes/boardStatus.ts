import { Hono } from 'hono';
import * as Y from 'yjs';
import { documentVersion } from '../../rooms/documentVersion.js';
import type { RoomManager } from '../../rooms/RoomManager.js';
import { requireAdmin } from '../admin.js';
import { boardIdParam, type HttpEnv } from '../context.js';

export interface BoardStatusDeps {
  rooms: RoomManager;
  adminToken: string | null;
}

/**
 * `GET /api/boards/:id/status` (admin token): how this node holds the board, for operators
 * checking a cluster (is a node behind?) and for the cluster tests. A board that is not loaded
 * here is not loaded for the question. Two nodes with the same `version` hold the same board.
 */
export function boardStatusRoutes(deps: BoardStatusDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get('/api/boards/:id/status', requireAdmin(deps.adminToken), boardIdParam, (c) => {
    const boardId = c.req.param('id');
    const room = deps.rooms.get(boardId);
    const noStore = { 'cache-control': 'no-store' };
    if (!room) return c.json({ boardId, loaded: false }, 200, noStore);
    return c.json(
      {
        boardId,
        loaded: true,
        version: documentVersion(room.doc),
        stateVector: Buffer.from(Y.encodeStateVector(room.doc)).toString('base64'),
        members: room.memberCount,
        appliedThrough: room.log.appliedThrough,
        head: room.log.head,
        bytes: room.log.bytes,
      },
      200,
      noStore,
    );
  });
  return app;
}
