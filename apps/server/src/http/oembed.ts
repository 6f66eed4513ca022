import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeXml, readBoardName } from '@drawbridge/board';
import { isValidBoardId } from '@drawbridge/protocol';
import { PREVIEW_HEIGHT, PREVIEW_WIDTH } from '../previews/PreviewRenderer.js';
import { accessStatus, checkAccess } from './access.js';
import { baseUrl, type HttpDeps, json, notFound, withBoard } from './context.js';

const DEFAULT_WIDTH = 800;
const DEFAULT_HEIGHT = 600;

const dimension = (raw: string | null, fallback: number): number => {
  const n = raw === null ? Number.NaN : Number.parseInt(raw, 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, fallback) : fallback;
};

/**
 * `GET /oembed?url=<board url>&maxwidth=&maxheight=`: the oEmbed `rich` type whose html is the
 * board's embed iframe, so pasting a board link into an oEmbed consumer embeds it. A token in
 * the URL's fragment (`#token=...`) travels into the iframe's URL and is checked like a join.
 */
export async function serveOEmbed(
  deps: HttpDeps,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
) {
  const format = query.get('format') ?? 'json';
  if (format !== 'json') return json(res, 501, { error: 'only format=json is supported' });
  const base = baseUrl(deps, req);
  let target: URL;
  try {
    target = new URL(query.get('url') ?? '');
  } catch {
    return notFound(res);
  }
  const match = /^\/(?:b|embed)\/([^/]+)\/?$/.exec(target.pathname);
  const boardId = match?.[1];
  if (target.origin !== new URL(base).origin || !boardId || !isValidBoardId(boardId))
    return notFound(res);
  const token = new URLSearchParams(target.hash.slice(1)).get('token');
  try {
    await checkAccess(deps, boardId, token);
  } catch (error) {
    return json(res, accessStatus(error), { error: 'not allowed' });
  }
  const name = await withBoard(deps, boardId, (room) => readBoardName(room.doc));
  const width = dimension(query.get('maxwidth'), DEFAULT_WIDTH);
  const height = dimension(query.get('maxheight'), DEFAULT_HEIGHT);
  const fragment = token ? `#token=${encodeURIComponent(token)}` : '';
  const src = `${base}/embed/${boardId}${fragment}`;
  const html = `<iframe src="${escapeXml(src)}" width="${width}" height="${height}" style="border:0" allow="clipboard-read; clipboard-write" loading="lazy" title="${escapeXml(name)}"></iframe>`;
  json(
    res,
    200,
    {
      version: '1.0',
      type: 'rich',
      provider_name: 'Drawbridge',
      provider_url: base,
      title: name,
      width,
      height,
      html,
      ...(deps.tokens
        ? {}
        : {
            thumbnail_url: `${base}/b/${boardId}/preview.png`,
            thumbnail_width: PREVIEW_WIDTH,
            thumbnail_height: PREVIEW_HEIGHT,
          }),
    },
    { 'cache-control': 'public, max-age=60' },
  );
}
