import { existsSync } from 'node:fs';
import { readBoardName } from '@drawbridge/board';
import { isValidBoardId } from '@drawbridge/protocol';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { type Context, Hono, type Next } from 'hono';
import sirv from 'sirv';
import type { BoardAccess } from '../../auth/BoardAccess.js';
import type { RoomManager } from '../../rooms/RoomManager.js';
import { baseUrl, type HttpEnv, withBoard } from '../context.js';
import { notFound } from '../errors.js';
import { APP_FRAME_POLICY, embedFrameAncestors, IndexHtml, renderBoardPage } from '../pages.js';

export interface PageDeps {
  rooms: RoomManager;
  access: BoardAccess;
  /** The built web app; nothing is served from disk without one. */
  staticDir: string | null;
  /** Origins that may frame `/embed/...` pages. */
  embedOrigins: readonly string[];
  publicUrl: string | null;
}

/**
 * The web app: board pages (`/b/:id`, `/embed/:id`: index.html with Open Graph tags, oEmbed
 * discovery and the frame policy of their kind), then every other path from the built app,
 * index.html for client-side routes. Mount last: it answers every GET no other route took.
 */
export function pageRoutes(deps: PageDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const index = new IndexHtml(deps.staticDir);

  const boardPage = (embed: boolean) => async (c: Context<HttpEnv>, next: Next) => {
    const boardId = c.req.param('id') ?? '';
    const html = index.read();
    // Not a board (or no built app): the static app decides, as for any other path.
    if (!html || !isValidBoardId(boardId)) return next();
    const name = deps.access.open
      ? await withBoard(deps.rooms, boardId, (room) => readBoardName(room.doc))
      : 'Drawbridge board';
    const page = renderBoardPage(html, {
      base: baseUrl(deps.publicUrl, c),
      boardId,
      name,
      open: deps.access.open,
    });
    return c.html(page, 200, {
      'cache-control': 'no-cache',
      'content-security-policy': embed ? embedFrameAncestors(deps.embedOrigins) : APP_FRAME_POLICY,
      ...(embed ? {} : { 'x-frame-options': 'DENY' }),
      'referrer-policy': 'no-referrer',
    });
  };
  for (const [prefix, embed] of [
    ['/b', false],
    ['/embed', true],
  ] as const) {
    app.get(`${prefix}/:id`, boardPage(embed));
    app.get(`${prefix}/:id/`, boardPage(embed));
  }

  const assets =
    deps.staticDir && existsSync(deps.staticDir)
      ? sirv(deps.staticDir, {
          single: true,
          etag: true,
          gzip: true,
          setHeaders: (res, pathname) => {
            if (pathname.endsWith('.html'))
              res.setHeader('content-security-policy', APP_FRAME_POLICY);
          },
        })
      : null;
  app.get('*', (c) => {
    // An unknown API path is an API 404, not the app's index.html.
    if (!assets || c.req.path.startsWith('/api/')) throw notFound();
    const { incoming, outgoing } = c.env;
    // The app's pages (and, harmlessly, its assets) must not be framed.
    outgoing.setHeader('content-security-policy', APP_FRAME_POLICY);
    outgoing.setHeader('x-frame-options', 'DENY');
    // sirv decides synchronously: it either starts sending the file or calls `next`.
    let missing = false;
    assets(incoming, outgoing, () => {
      missing = true;
    });
    if (missing) throw notFound();
    return RESPONSE_ALREADY_SENT;
  });
  return app;
}
