import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidBoardId } from '@drawbridge/protocol';
import sirv from 'sirv';
import { PreviewBusyError } from '../previews/PreviewRenderer.js';
import { accessStatus, checkAccess } from './access.js';
import { serveBoardStatus } from './boardStatus.js';
import { type HttpDeps, json, notFound } from './context.js';
import { serveCreateLink } from './linksApi.js';
import { serveOEmbed } from './oembed.js';
import { APP_FRAME_POLICY, IndexHtml, serveBoardPage } from './pages.js';

const BOARD_PAGE = /^\/(b|embed)\/([^/]+)\/?$/;
const PREVIEW = /^\/b\/([^/]+)\/preview\.png$/;
const LINKS = /^\/api\/boards\/([^/]+)\/links$/;
const STATUS = /^\/api\/boards\/([^/]+)\/status$/;

/**
 * Every HTTP route: health, readiness, metrics, the links API, oEmbed, board previews, board
 * pages (with Open Graph tags and frame policies) and the built web app.
 */
export function createRequestHandler(deps: HttpDeps) {
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
  const index = new IndexHtml(deps.staticDir);

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const { ready, checks } = await deps.readiness();
      return json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', checks });
    }
    if (path === '/metrics') {
      const body = await deps.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
      res.end(body);
      return;
    }
    const links = LINKS.exec(path);
    if (links) {
      if (req.method !== 'POST') return json(res, 405, { error: 'use POST' }, { allow: 'POST' });
      return serveCreateLink(deps, req, res, decodeURIComponent(links[1]!));
    }
    const status = STATUS.exec(path);
    if (status && isValidBoardId(status[1]!)) return serveBoardStatus(deps, req, res, status[1]!);
    if (path === '/oembed') return serveOEmbed(deps, req, res, url.searchParams);
    const preview = PREVIEW.exec(path);
    if (preview) {
      const boardId = preview[1]!;
      if (!isValidBoardId(boardId)) return notFound(res);
      try {
        await checkAccess(deps, boardId, url.searchParams.get('token'));
      } catch (error) {
        return json(res, accessStatus(error), { error: 'not allowed' });
      }
      let thumbnail: Awaited<ReturnType<typeof deps.previews.render>>;
      try {
        thumbnail = await deps.previews.render(boardId);
      } catch (error) {
        if (!(error instanceof PreviewBusyError)) throw error;
        return json(res, 503, { error: error.message }, { 'retry-after': '2' });
      }
      const { png, version } = thumbnail;
      const etag = `"${version}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      res.writeHead(200, {
        'content-type': 'image/png',
        'content-length': png.length,
        etag,
        'cache-control': deps.tokens ? 'private, no-cache' : 'public, no-cache',
      });
      res.end(png);
      return;
    }
    const page = BOARD_PAGE.exec(path);
    if (page && isValidBoardId(page[2]!)) {
      if (await serveBoardPage(deps, index, req, res, page[2]!, page[1] === 'embed')) return;
    }
    if (!assets) return notFound(res);
    // The app's pages (and, harmlessly, its assets) must not be framed.
    res.setHeader('content-security-policy', APP_FRAME_POLICY);
    res.setHeader('x-frame-options', 'DENY');
    assets(req, res, () => notFound(res));
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    route(req, res).catch((error: unknown) => {
      deps.logger.error({ err: error, url: req.url }, 'HTTP request failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  };
}
