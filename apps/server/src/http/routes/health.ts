import { Hono } from 'hono';
import type { Metrics } from '../../metrics.js';
import type { HttpEnv, Readiness } from '../context.js';

export interface HealthDeps {
  metrics: Metrics;
  /** Not ready while starting or shutting down, or while storage (or the cluster bus) does not answer. */
  readiness: () => Promise<Readiness>;
}

/** `/healthz` (the process answers), `/readyz` (it can serve boards) and `/metrics`. */
export function healthRoutes(deps: HealthDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const noStore = { 'cache-control': 'no-store' };
  app.get('/healthz', (c) => c.json({ status: 'ok' }, 200, noStore));
  app.get('/readyz', async (c) => {
    const { ready, checks } = await deps.readiness();
    return c.json({ status: ready ? 'ready' : 'unavailable', checks }, ready ? 200 : 503, noStore);
  });
  app.get('/metrics', async (c) => {
    const body = await deps.metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': deps.metrics.registry.contentType, ...noStore });
  });
  return app;
}
