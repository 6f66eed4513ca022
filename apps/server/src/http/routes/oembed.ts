import { escapeXml, readBoardName } from '@drawbridge/board';
import { HttpErrorCode, isValidBoardId } from '@drawbridge/protocol';
import { Hono } from 'hono';
import type { BoardAccess } from '../../auth/BoardAccess.js';
import type { RoomManager } from '../../rooms/RoomManager.js';
import { checkAccess } from '../access.js';
import { baseUrl, type HttpEnv, withBoard } from '../context.js';
import { HttpError, notFound } from '../errors.js';
import { PREVIEW_HEIGHT, PREVIEW_WIDTH } from '../preview.js';

export interface OEmbedDeps {
  rooms: RoomManager;
  access: BoardAccess;
  publicUrl: string | null;
}

const DEFAULT_WIDTH = 800;
const DEFAULT_HEIGHT = 600;

const dimension = (raw: string | undefined, fallback: number): number => {
  const n = raw === undefined ? Number.NaN : Number.parseInt(raw, 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, fallback) : fallback;
};

/**
 * `GET /oembed?url=<board url>&maxwidth=&maxheight=`: the oEmbed `rich` type whose html is the
 * board's embed iframe, so pasting a board link into an oEmbed consumer embeds it. A token in
 * the URL's fragment (`#token=...`) travels into the iframe's URL and is checked like a join.
 */
export function oembedRoutes(deps: OEmbedDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get('/oembed', async (c) => {
    const format = c.req.query('format') ?? 'json';
    if (format !== 'json') {
      throw new HttpError(501, HttpErrorCode.NOT_IMPLEMENTED, 'only format=json is supported');
    }
    const base = baseUrl(deps.publicUrl, c);
    let target: URL;
    try {
      target = new URL(c.req.query('url') ?? '');
    } catch {
      throw notFound('url is not a board of this server');
    }
    const boardId = /^\/(?:b|embed)\/([^/]+)\/?$/.exec(target.pathname)?.[1];
    if (target.origin !== new URL(base).origin || !boardId || !isValidBoardId(boardId)) {
      throw notFound('url is not a board of this server');
    }
    const token = new URLSearchParams(target.hash.slice(1)).get('token');
    await checkAccess(deps.access, boardId, token);
    const name = await withBoard(deps.rooms, boardId, (room) => readBoardName(room.doc));
    const width = dimension(c.req.query('maxwidth'), DEFAULT_WIDTH);
    const height = dimension(c.req.query('maxheight'), DEFAULT_HEIGHT);
    const fragment = token ? `#token=${encodeURIComponent(token)}` : '';
    const src = `${base}/embed/${boardId}${fragment}`;
    const html = `<iframe src="${escapeXml(src)}" width="${width}" height="${height}" style="border:0" allow="clipboard-read; clipboard-write" loading="lazy" title="${escapeXml(name)}"></iframe>`;
    return c.json(
      {
        version: '1.0',
        type: 'rich',
        provider_name: 'Drawbridge',
        provider_url: base,
        title: name,
        width,
        height,
        html,
        // A thumbnail URL would need the token in it; with tokens required there is none.
        ...(deps.access.open
          ? {
              thumbnail_url: `${base}/b/${boardId}/preview.png`,
              thumbnail_width: PREVIEW_WIDTH,
              thumbnail_height: PREVIEW_HEIGHT,
            }
          : {}),
      },
      200,
      { 'cache-control': 'public, max-age=60' },
    );
  });
  return app;
}
