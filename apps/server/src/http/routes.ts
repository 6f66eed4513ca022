import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';
import type { Metrics } from './metrics.js';

export interface RouteOptions {
  metrics: Metrics;
  /** False while starting or shutting down. */
  isReady: () => boolean;
  staticDir: string | null;
}

/** Health, readiness, metrics, and the built web app (with a fallback to index.html). */
export function createRequestHandler(options: RouteOptions) {
  const assets =
    options.staticDir && existsSync(options.staticDir)
      ? sirv(options.staticDir, { single: true, etag: true, gzip: true })
      : null;
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      json(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz') {
      const ready = options.isReady();
      json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable' });
      return;
    }
    if (path === '/metrics') {
      options.metrics.registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': options.metrics.registry.contentType });
          res.end(body);
        },
        () => json(res, 500, { error: 'metrics unavailable' }),
      );
      return;
    }
    if (assets) assets(req, res, () => notFound(res));
    else notFound(res);
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function notFound(res: ServerResponse): void {
  json(res, 404, { error: 'not found' });
}
