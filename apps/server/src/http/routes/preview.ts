import { Hono } from 'hono';
import type { BoardAccess } from '../../auth/BoardAccess.js';
import type { RoomManager } from '../../rooms/RoomManager.js';
import type { AssetStore } from '../../storage/AssetStore.js';
import { checkAccess, requestToken } from '../access.js';
import { boardIdParam, type HttpEnv, withBoard } from '../context.js';
import { PreviewRenderer } from '../preview.js';

export interface PreviewDeps {
  rooms: RoomManager;
  access: BoardAccess;
  assets: AssetStore;
}

/** Bytes of pictures one preview may embed; past it, the rest show as placeholders. */
const PREVIEW_IMAGE_BYTES = 24 * 1024 * 1024;
/** resvg draws these; WebP pictures show as placeholders in previews. */
const PREVIEW_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif']);

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
    const images = async (assetIds: string[]) => {
      const found = await deps.assets.getMany(boardId, assetIds, PREVIEW_IMAGE_BYTES);
      return new Map(
        found.map((asset) => [
          asset.assetId,
          PREVIEW_TYPES.has(asset.type)
            ? `data:${asset.type};base64,${Buffer.from(asset.data).toString('base64')}`
            : null,
        ]),
      );
    };
    const { png, version } = await withBoard(deps.rooms, boardId, (room) =>
      previews.render(boardId, room.doc, images),
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
