import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import type { Logger } from '../logger.js';
import type { HttpEnv } from './context.js';
import { handleErrors, handleNotFound } from './errors.js';
import { type AssetDeps, assetRoutes } from './routes/assets.js';
import { type BoardStatusDeps, boardStatusRoutes } from './routes/boardStatus.js';
import { type BoardsDeps, boardRoutes } from './routes/boards.js';
import { type HealthDeps, healthRoutes } from './routes/health.js';
import { type LinkDeps, linkRoutes } from './routes/links.js';
import { type OEmbedDeps, oembedRoutes } from './routes/oembed.js';
import { type PageDeps, pageRoutes } from './routes/pages.js';
import { type PreviewDeps, previewRoutes } from './routes/preview.js';
import { type VersionDeps, versionRoutes } from './routes/versions.js';

/** Everything the routes need; each router is handed only its own part. */
export type HttpAppDeps = HealthDeps &
  LinkDeps &
  BoardsDeps &
  BoardStatusDeps &
  OEmbedDeps &
  PreviewDeps &
  PageDeps &
  AssetDeps &
  VersionDeps & { logger: Logger };

/**
 * The HTTP API and the web app, as one Hono app of feature routers: each is a file in
 * `routes/` exporting `(deps) => Hono`. Every refusal has one shape (`errors.ts`). The pages
 * router answers every GET left over (the static app), so it is mounted last.
 */
export function createHttpApp(deps: HttpAppDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.onError(handleErrors(deps.logger));
  app.notFound(handleNotFound);
  app.route('/', healthRoutes(deps));
  app.route('/', linkRoutes(deps));
  app.route('/', boardRoutes(deps));
  app.route('/', boardStatusRoutes(deps));
  app.route('/', oembedRoutes(deps));
  app.route('/', previewRoutes(deps));
  app.route('/', assetRoutes(deps));
  app.route('/', versionRoutes(deps));
  app.route('/', pageRoutes(deps));
  return app;
}

/**
 * The node `request` listener for `app`. Socket.IO attaches to the same `http.Server` and
 * takes `/socket.io/` requests before any `request` listener runs, so they never reach Hono.
 * Node's own Request/Response globals are left alone (`overrideGlobalObjects: false`).
 */
export function createHttpListener(
  app: Hono<HttpEnv>,
  logger: Logger,
): (req: IncomingMessage, res: ServerResponse) => void {
  const listener = getRequestListener(app.fetch, {
    overrideGlobalObjects: false,
    errorHandler: (error) => {
      logger.error({ err: error }, 'HTTP response failed');
    },
  });
  return (req, res) => void listener(req, res);
}
