import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { BoardModel } from '@drawbridge/board';
import { ErrorCode } from '@drawbridge/protocol';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenService } from '../apps/server/src/auth/TokenService.js';
import { connectPeer, destroyAll, type Peer, whenSaved } from './utils/peers.js';
import { connectRaw, joinRaw } from './utils/rawClient.js';
import { startServer, type TestServer, tempDir } from './utils/server.js';

const SECRET = 'embed-http-test-secret-0123456789abcdef';
const ADMIN = 'admin-token-for-tests-0123456789abcdef';

function staticDir(): string {
  const dir = tempDir('drawbridge-static-');
  writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html><head><title>Drawbridge</title></head><body><div id="root"></div></body></html>',
  );
  return dir;
}

/** Decodes a PNG and counts pixels that are not near-white. */
function ink(png: PNG): number {
  let count = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (png.data[i]! < 200 || png.data[i + 1]! < 200 || png.data[i + 2]! < 200) count++;
  }
  return count;
}

describe('embedding over HTTP', () => {
  let server: TestServer;
  let peers: Peer[] = [];
  afterEach(async () => {
    destroyAll(peers);
    peers = [];
    await server?.destroy();
  });

  it('sets frame-ancestors from EMBED_ORIGINS on embed pages; the app is not frameable', async () => {
    server = await startServer({ staticDir: staticDir(), embedOrigins: ['https://wiki.example'] });
    const embed = await fetch(`${server.url}/embed/board-1?readonly=1`);
    expect(embed.status).toBe(200);
    expect(embed.headers.get('content-security-policy')).toBe(
      "frame-ancestors 'self' https://wiki.example",
    );
    expect(embed.headers.get('x-frame-options')).toBeNull();
    const app = await fetch(`${server.url}/b/board-1`);
    expect(app.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    expect(app.headers.get('x-frame-options')).toBe('DENY');
    const home = await fetch(`${server.url}/`);
    expect(home.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
  });

  it('board pages carry Open Graph tags and oEmbed discovery; /oembed answers rich JSON', async () => {
    server = await startServer({ staticDir: staticDir() });
    const author = connectPeer(server.url, 'planning');
    peers.push(author);
    new BoardModel(author.doc).setName('Q3 <planning> & "goals"');
    await whenSaved(author);
    const html = await (await fetch(`${server.url}/b/planning`)).text();
    expect(html).toContain(
      '<title>Q3 &lt;planning&gt; &amp; &quot;goals&quot; · Drawbridge</title>',
    );
    expect(html).toContain(
      `<meta property="og:image" content="${server.url}/b/planning/preview.png" />`,
    );
    const discovery = /<link rel="alternate" type="application\/json\+oembed" href="([^"]+)"/.exec(
      html,
    );
    expect(discovery).not.toBeNull();
    const oembedUrl = discovery![1]!.replaceAll('&amp;', '&');

    const response = await fetch(`${oembedUrl}&maxwidth=640&maxheight=480`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = (await response.json()) as { html: string };
    expect(body).toMatchObject({
      version: '1.0',
      type: 'rich',
      provider_name: 'Drawbridge',
      title: 'Q3 <planning> & "goals"',
      width: 640,
      height: 480,
      thumbnail_url: `${server.url}/b/planning/preview.png`,
    });
    expect(body.html).toMatch(
      new RegExp(`^<iframe src="${server.url}/embed/planning" width="640" height="480"`),
    );
    expect(body.html).not.toContain('<planning>');

    const other = (u: string) => fetch(`${server.url}/oembed?url=${encodeURIComponent(u)}`);
    expect((await other('https://elsewhere.example/b/planning')).status).toBe(404);
    expect((await other(`${server.url}/not-a-board`)).status).toBe(404);
    expect((await other(`${server.url}/b/bad%20id`)).status).toBe(404);
    expect((await fetch(`${server.url}/oembed?url=x&format=xml`)).status).toBe(501);
  });

  /** Polls preview.png until `fresh` holds for its image; returns that response (read body). */
  async function freshPreview(boardId: string, fresh: (image: PNG) => boolean): Promise<Response> {
    let found: Response | undefined;
    await vi.waitFor(
      async () => {
        const response = await fetch(`${server.url}/b/${boardId}/preview.png`);
        expect(response.status).toBe(200);
        const body = Buffer.from(await response.arrayBuffer());
        expect(fresh(PNG.sync.read(body))).toBe(true);
        found = new Response(body, { headers: response.headers });
      },
      { timeout: 10_000, interval: 50 },
    );
    return found!;
  }

  it('preview.png shows the board, is cached by content and refreshes when it changes', async () => {
    server = await startServer({ staticDir: staticDir(), previewIntervalMs: 0 });
    const author = connectPeer(server.url, 'pic');
    peers.push(author);
    const model = new BoardModel(author.doc);
    const empty = await fetch(`${server.url}/b/pic/preview.png`);
    expect(empty.headers.get('content-type')).toBe('image/png');
    const blank = PNG.sync.read(Buffer.from(await empty.arrayBuffer()));
    expect([blank.width, blank.height]).toEqual([1200, 630]);
    expect(ink(blank)).toBe(0);

    model.addShapes([
      {
        type: 'rect',
        x: 0,
        y: 0,
        w: 400,
        h: 200,
        stroke: '#1e1e1e',
        fill: '#1971c2',
        strokeWidth: 8,
      },
      {
        type: 'ellipse',
        x: 500,
        y: 0,
        w: 200,
        h: 200,
        stroke: '#e03131',
        fill: 'none',
        strokeWidth: 8,
      },
    ]);
    await whenSaved(author);
    // The first request after a change may get the last thumbnail while the new one renders.
    const first = await freshPreview('pic', (image) => ink(image) > 0);
    const etag = first.headers.get('etag');
    const png = PNG.sync.read(Buffer.from(await first.arrayBuffer()));
    expect([png.width, png.height]).toEqual([1200, 630]);
    // A filled 400x200 rectangle fills a good part of the image.
    expect(ink(png)).toBeGreaterThan(1200 * 630 * 0.1);
    const center = (png.width * Math.floor(png.height / 2) + Math.floor(png.width * 0.3)) * 4;
    expect(png.data[center + 2]).toBeGreaterThan(png.data[center]!); // blue fill

    const again = await fetch(`${server.url}/b/pic/preview.png`, {
      headers: { 'if-none-match': etag! },
    });
    expect(again.status).toBe(304);
    model.deleteShapes(model.shapes().map((s) => s.id));
    await whenSaved(author);
    const changed = await freshPreview('pic', (image) => ink(image) === 0);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('with AUTH_SECRET: previews and oEmbed need a token; links come from the admin API', async () => {
    const tokens = new TokenService(SECRET);
    server = await startServer({ staticDir: staticDir(), tokens, adminToken: ADMIN });
    expect((await fetch(`${server.url}/b/secret/preview.png`)).status).toBe(401);
    const page = await (await fetch(`${server.url}/b/secret`)).text();
    expect(page).not.toContain('og:image');

    const mint = (headers: Record<string, string>, body: unknown) =>
      fetch(`${server.url}/api/boards/secret/links`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    expect((await mint({}, { role: 'viewer' })).status).toBe(401);
    expect((await mint({ authorization: 'Bearer wrong' }, { role: 'viewer' })).status).toBe(401);
    expect((await mint({ authorization: `Bearer ${ADMIN}` }, { role: 'owner' })).status).toBe(400);
    expect((await mint({ authorization: `Bearer ${ADMIN}` }, { ttl: 'soon' })).status).toBe(400);
    const created = await mint({ authorization: `Bearer ${ADMIN}` }, { role: 'viewer', ttl: '1h' });
    expect(created.status).toBe(201);
    const link = (await created.json()) as {
      url: string;
      embedUrl: string;
      token: string;
      expiresAt: string;
    };
    expect(link).toMatchObject({ board: 'secret', role: 'viewer' });
    expect(link.url).toBe(`${server.url}/b/secret#token=${encodeURIComponent(link.token)}`);
    expect(link.embedUrl).toBe(
      `${server.url}/embed/secret#token=${encodeURIComponent(link.token)}`,
    );
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(3500_000);

    // The minted token works for the board and nowhere else.
    const socket = await connectRaw(server.url);
    try {
      const ack = await joinRaw(socket, 'secret', undefined, link.token);
      expect(ack.ok && ack.role).toBe('viewer');
      const elsewhere = await joinRaw(socket, 'other', undefined, link.token);
      expect(elsewhere).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    } finally {
      socket.disconnect();
    }
    const preview = await fetch(
      `${server.url}/b/secret/preview.png?token=${encodeURIComponent(link.token)}`,
    );
    expect(preview.status).toBe(200);
    const oembed = (u: string) => fetch(`${server.url}/oembed?url=${encodeURIComponent(u)}`);
    expect((await oembed(`${server.url}/b/secret`)).status).toBe(401);
    const embedded = await oembed(link.url);
    expect(embedded.status).toBe(200);
    expect(((await embedded.json()) as { html: string }).html).toContain(
      `/embed/secret#token=${encodeURIComponent(link.token)}`,
    );
  });

  it('the links API is off without ADMIN_TOKEN', async () => {
    server = await startServer({ tokens: new TokenService(SECRET) });
    const response = await fetch(`${server.url}/api/boards/x/links`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(404);
  });
});
