import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { metricValue } from './utils/metrics.js';
import { connectPeer, destroyAll, expectConverged, type Peer, whenSaved } from './utils/peers.js';
import { startServer, type TestServer, tempDir } from './utils/server.js';

describe('HTTP endpoints', () => {
  let server: TestServer;
  let peers: Peer[] = [];
  afterEach(async () => {
    destroyAll(peers);
    peers = [];
    await server?.destroy();
  });

  it('answers health, readiness and Prometheus metrics that follow the traffic', async () => {
    server = await startServer();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { server: 'ok', storage: 'ok' },
    });

    peers = [connectPeer(server.url, 'm'), connectPeer(server.url, 'm')];
    for (let i = 0; i < 5; i++) peers[0]!.doc.getMap('shapes').set(`k${i}`, i);
    await Promise.all(peers.map(whenSaved));
    await expectConverged(peers.map((p) => p.doc));

    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(metricValue(text, 'drawbridge_connections')).toBe(2);
    expect(metricValue(text, 'drawbridge_boards_loaded')).toBe(1);
    expect(
      metricValue(text, 'drawbridge_updates_in_total{event="doc:update"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metricValue(text, 'drawbridge_updates_out_total{event="doc:update"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'drawbridge_bytes_in_total')).toBeGreaterThan(0);
    expect(text).toContain('drawbridge_storage_commit_seconds_bucket');
    expect(text).toContain('drawbridge_errors_total');
  });

  it('serves the web app, with index.html for client-side routes like /b/<id>', async () => {
    const staticDir = tempDir('drawbridge-static-');
    mkdirSync(path.join(staticDir, 'assets'));
    writeFileSync(
      path.join(staticDir, 'index.html'),
      '<!doctype html><html><head><title>Drawbridge</title></head><body></body></html>',
    );
    writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    server = await startServer({ staticDir });
    const home = await fetch(`${server.url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<title>Drawbridge</title>');
    const board = await fetch(`${server.url}/b/my-board`);
    const html = await board.text();
    expect(html).toContain('<title>Untitled board · Drawbridge</title>');
    expect(html).toContain('<meta property="og:image"');
    expect(board.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    expect(await (await fetch(`${server.url}/assets/app.js`)).text()).toBe('console.log(1)');
    // Client-side routes get the app; an unknown API path gets the API's 404.
    expect(await (await fetch(`${server.url}/some/page`)).text()).toContain('<title>Drawbridge');
    const api = await fetch(`${server.url}/api/no-such-thing`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
