import { HttpErrorCode } from '@drawbridge/protocol';
import { Hono } from 'hono';
import type { BoardAccess } from '../../auth/BoardAccess.js';
import { PreviewBusyError, type PreviewRenderer } from '../../previews/PreviewRenderer.js';
import { checkAccess, requestToken } from '../access.js';
import { boardIdParam, type HttpEnv } from '../context.js';
import { HttpError } from '../errors.js';

export interface PreviewDeps {
  previews: PreviewRenderer;
  access: BoardAccess;
}

/**
 * `GET /b/:id/preview.png`: the board's thumbnail (Open Graph image), with the board's access
 * rules and an ETag of its stored content, so an unchanged board answers 304. Rendered in a
 * worker at most once per board per interval; while a new one renders, the last one is served.
 */
export function previewRoutes(deps: PreviewDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get('/b/:id/preview.png', boardIdParam, async (c) => {
    const boardId = c.req.param('id');
    await checkAccess(deps.access, boardId, requestToken(c));
    let preview: Awaited<ReturnType<PreviewRenderer['render']>>;
    try {
      preview = await deps.previews.render(boardId);
    } catch (error) {
      if (!(error instanceof PreviewBusyError)) throw error;
      c.header('retry-after', '2');
      throw new HttpError(503, HttpErrorCode.UNAVAILABLE, error.message);
    }
    const etag = `"${preview.version}"`;
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag });
    return c.body(new Uint8Array(preview.png), 200, {
      'content-type': 'image/png',
      etag,
      'cache-control': deps.access.open ? 'public, no-cache' : 'private, no-cache',
    });
  });
  return app;
}
