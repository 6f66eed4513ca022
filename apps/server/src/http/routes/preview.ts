import { Hono } from 'hono';
import type { BoardAccess } from '../../auth/BoardAccess.js';
import type { RoomManager } from '../../rooms/RoomManager.js';
import { checkAccess, requestToken } from '../access.js';
import { boardIdParam, type HttpEnv, withBoard } from '../context.js';
import { PreviewRenderer } from '../preview.js';

export interface PreviewDeps {
  rooms: RoomManager;
  access: BoardAccess;
}

/**
 * `GET /b/:id/preview.png`: the board's thumbnail (Open Graph image), with the board's access
 * rules and an ETag of its content, so an unchanged board answers 304.
 */
export function previewRoutes(deps: PreviewDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const previews = new PreviewRenderer();
  app.get('/b/:id/preview.png', boardIdParam, async (c) => {
    const boardId = c.req.param('id');
    await checkAccess(deps.access, boardId, requestToken(c));
    const { png, version } = await withBoard(deps.rooms, boardId, (room) =>
      previews.render(boardId, room.doc),
    );
    const etag = `"${version}"`;
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag });
    return c.body(new Uint8Array(png), 200, {
      'content-type': 'image/png',
      etag,
      'cache-control': deps.access.open ? 'public, no-cache' : 'private, no-cache',
    });
  });
  return app;
}
