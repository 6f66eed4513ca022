/**
 * Image uploads against a real server over a real SQLite file: every accepted format is stored
 * by its hash and served with its sniffed type and safe headers; every refusal (not an image,
 * SVG with a script, too large, a type lie either way, a viewer, a full board) answers the one
 * error shape with a clear message, and stores nothing at all.
 */
import { createHash } from 'node:crypto';
import { BoardModel, type NewShape } from '@drawbridge/board';
import { HttpErrorCode, readHttpError } from '@drawbridge/protocol';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenService } from '../apps/server/src/auth/TokenService.js';
import { DEFAULT_IMAGE_OPTIONS } from '../apps/server/src/config.js';
import { SAMPLE_IMAGES, SVG_WITH_SCRIPT } from '../packages/protocol/src/testing/sampleImages.js';
import { noisyPng, tinted } from './e2e/utils/images.js';
import { decodePng } from './e2e/utils/pixels.js';
import { connectPeer, destroyAll, whenSaved } from './utils/peers.js';
import { dbFile, startServer, type TestServer } from './utils/server.js';

const SECRET = 'assets-test-secret-0123456789abcdefgh';
const tokens = new TokenService(SECRET);
const hash = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function token(board: string, role: 'editor' | 'viewer'): Promise<string> {
  return (await tokens.mint({ board, role, ttlSeconds: 3600 })).token;
}

/** A valid PNG of `size` bytes: the sample with bytes after its end (still a PNG to a reader). */
function pngOfSize(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(SAMPLE_IMAGES.png.bytes);
  return bytes;
}

describe('image uploads', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.destroy();
  });

  const upload = (
    board: string,
    body: Uint8Array | string,
    headers: Record<string, string>,
    query = '',
  ) =>
    fetch(`${server.url}/api/boards/${board}/assets${query}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : Buffer.from(body),
    });

  /** Rows in the file's asset tables: what "nothing stored" means. */
  const storedRows = () => {
    const db = new Database(dbFile(server.dataDir), { readonly: true });
    try {
      const count = (table: string) =>
        (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      return { assets: count('assets'), links: count('board_assets') };
    } finally {
      db.close();
    }
  };

  it('stores each format by its hash and serves it as sniffed, immutable and inert', async () => {
    server = await startServer({ tokens });
    const editor = { authorization: `Bearer ${await token('pics', 'editor')}` };
    const viewer = { authorization: `Bearer ${await token('pics', 'viewer')}` };
    for (const sample of Object.values(SAMPLE_IMAGES)) {
      const created = await upload('pics', sample.bytes, {
        ...editor,
        'content-type': sample.type,
      });
      expect(created.status).toBe(201);
      const body = (await created.json()) as { assetId: string };
      expect(body).toEqual({
        assetId: hash(sample.bytes),
        type: sample.type,
        width: sample.width,
        height: sample.height,
        bytes: sample.bytes.byteLength,
      });
      // The same bytes again: the same id, nothing new stored.
      const again = await upload('pics', sample.bytes, {
        ...editor,
        'content-type': 'application/octet-stream',
      });
      expect(again.status).toBe(200);
      expect(((await again.json()) as { assetId: string }).assetId).toBe(body.assetId);

      const url = `${server.url}/api/boards/pics/assets/${body.assetId}`;
      const served = await fetch(url, { headers: viewer });
      expect(served.status).toBe(200);
      expect(new Uint8Array(await served.arrayBuffer())).toEqual(sample.bytes);
      expect(served.headers.get('content-type')).toBe(sample.type);
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(served.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
      const etag = served.headers.get('etag')!;
      const cached = await fetch(url, { headers: { ...viewer, 'if-none-match': etag } });
      expect(cached.status).toBe(304);
    }
    expect(storedRows()).toEqual({ assets: 5, links: 5 });

    const png = hash(SAMPLE_IMAGES.png.bytes);
    const get = (board: string, headers: Record<string, string>) =>
      fetch(`${server.url}/api/boards/${board}/assets/${png}`, { headers });
    // No token, a token of another board, a board that never had it, a malformed id.
    expect((await get('pics', {})).status).toBe(401);
    expect((await get('other', viewer)).status).toBe(403);
    const elsewhere = { authorization: `Bearer ${await token('other', 'viewer')}` };
    const missing = await get('other', elsewhere);
    expect(missing.status).toBe(404);
    expect(readHttpError(await missing.json())?.code).toBe(HttpErrorCode.NOT_FOUND);
    const malformed = await fetch(`${server.url}/api/boards/pics/assets/..%2F..%2Fetc`, {
      headers: viewer,
    });
    expect(malformed.status).toBe(404);
  });

  it('takes a large image streamed in uneven pieces, and serves back exactly its bytes', async () => {
    server = await startServer();
    const big = noisyPng(2000, 1500, 'blue');
    expect(big.byteLength).toBeGreaterThan(600 * 1024); // over two parts (assetParts.ts)
    const pieces = [7, 65_536, 300_001, big.byteLength];
    // Without Content-Length (chunked), and with it.
    const streamed = await fetch(`${server.url}/api/boards/large/assets`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: new ReadableStream({
        start(controller) {
          pieces.reduce((from, to) => {
            controller.enqueue(big.subarray(from, to));
            return to;
          }, 0);
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(201);
    expect(await streamed.json()).toMatchObject({
      assetId: hash(big),
      width: 2000,
      height: 1500,
      bytes: big.byteLength,
    });
    const again = await upload('large-too', big, { 'content-type': 'image/png' });
    expect(again.status).toBe(200);
    for (const board of ['large', 'large-too']) {
      const served = await fetch(`${server.url}/api/boards/${board}/assets/${hash(big)}`);
      expect(served.status).toBe(200);
      expect(hash(new Uint8Array(await served.arrayBuffer()))).toBe(hash(big));
    }
    expect(storedRows()).toEqual({ assets: 1, links: 2 });
  });

  it('refuses non-images, SVG, oversized files, type lies and viewers, storing nothing', async () => {
    const maxImageBytes = 4096;
    server = await startServer({
      tokens,
      images: { ...DEFAULT_IMAGE_OPTIONS, maxImageBytes, maxBoardImageBytes: 6000 },
    });
    const editor = { authorization: `Bearer ${await token('refuse', 'editor')}` };
    const viewer = { authorization: `Bearer ${await token('refuse', 'viewer')}` };

    const refused = async (response: Response) => {
      const body = await response.json();
      const error = readHttpError(body);
      expect(error, JSON.stringify(body)).not.toBeNull();
      return { status: response.status, code: error!.code, message: error!.message };
    };

    expect(
      await refused(
        await upload('refuse', 'just some text', { ...editor, 'content-type': 'text/plain' }),
      ),
    ).toMatchObject({ status: 415, code: HttpErrorCode.UNSUPPORTED_MEDIA_TYPE });
    const svg = await refused(
      await upload('refuse', SVG_WITH_SCRIPT, { ...editor, 'content-type': 'image/svg+xml' }),
    );
    expect(svg).toMatchObject({ status: 415, code: HttpErrorCode.UNSUPPORTED_MEDIA_TYPE });
    expect(svg.message).toMatch(/SVG/);
    // The same SVG, claiming to be a PNG.
    expect(
      await refused(
        await upload('refuse', SVG_WITH_SCRIPT, { ...editor, 'content-type': 'image/png' }),
      ),
    ).toMatchObject({ status: 415 });

    // Over the limit: by its declared length, and streamed without one.
    const big = pngOfSize(maxImageBytes + 1);
    const tooLarge = await refused(
      await upload('refuse', big, { ...editor, 'content-type': 'image/png' }),
    );
    expect(tooLarge).toMatchObject({ status: 413, code: HttpErrorCode.PAYLOAD_TOO_LARGE });
    expect(tooLarge.message).toMatch(/4 KB/);
    const streamed = await fetch(`${server.url}/api/boards/refuse/assets`, {
      method: 'POST',
      headers: { ...editor, 'content-type': 'image/png' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(big.subarray(0, 2000));
          controller.enqueue(big.subarray(2000));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(await refused(streamed)).toMatchObject({ status: 413 });

    // Type lies both ways, by Content-Type and by file name.
    const pngAsGif = await refused(
      await upload('refuse', SAMPLE_IMAGES.png.bytes, { ...editor, 'content-type': 'image/gif' }),
    );
    expect(pngAsGif).toMatchObject({ status: 415, code: HttpErrorCode.UNSUPPORTED_MEDIA_TYPE });
    expect(pngAsGif.message).toBe('the upload says it is image/gif, but its bytes are a PNG image');
    expect(
      await refused(
        await upload('refuse', SAMPLE_IMAGES.gif.bytes, { ...editor, 'content-type': 'image/png' }),
      ),
    ).toMatchObject({ status: 415, message: expect.stringContaining('GIF') });
    expect(
      await refused(await upload('refuse', SAMPLE_IMAGES.png.bytes, editor, '?name=holiday.gif')),
    ).toMatchObject({ status: 415, message: expect.stringContaining('.gif') });

    // A viewer may not upload, even a good image.
    expect(
      await refused(
        await upload('refuse', SAMPLE_IMAGES.png.bytes, { ...viewer, 'content-type': 'image/png' }),
      ),
    ).toMatchObject({ status: 403, code: HttpErrorCode.FORBIDDEN });
    expect(
      await refused(
        await upload('refuse', SAMPLE_IMAGES.png.bytes, { 'content-type': 'image/png' }),
      ),
    ).toMatchObject({ status: 401 });

    expect(storedRows()).toEqual({ assets: 0, links: 0 });

    // The board's total: two fit, the third would not.
    const ok = (size: number) => {
      const bytes = pngOfSize(size);
      bytes[size - 1] = size & 0xff;
      return upload('refuse', bytes, { ...editor, 'content-type': 'image/png' });
    };
    expect((await ok(2500)).status).toBe(201);
    expect((await ok(2600)).status).toBe(201);
    const full = await refused(await ok(2700));
    expect(full).toMatchObject({ status: 413, code: HttpErrorCode.PAYLOAD_TOO_LARGE });
    expect(full.message).toMatch(/this board's images may total at most/);
    expect(storedRows()).toEqual({ assets: 2, links: 2 });
  });

  it("draws the board's images in preview.png, and a placeholder for one it lacks", async () => {
    server = await startServer();
    const red = noisyPng(400, 300, 'red');
    const created = await upload('shown', red, { 'content-type': 'image/png' });
    const { assetId } = (await created.json()) as { assetId: string };
    const peer = connectPeer(server.url, 'shown');
    try {
      const image = (id: string, x: number) =>
        ({
          type: 'image',
          x,
          y: 0,
          w: 400,
          h: 300,
          stroke: '#1e1e1e',
          fill: 'none',
          strokeWidth: 0,
          assetId: id,
          naturalWidth: 400,
          naturalHeight: 300,
        }) as NewShape;
      new BoardModel(peer.doc).addShapes([image(assetId, 0), image('ab'.repeat(32), 500)]);
      await whenSaved(peer);
      const preview = await fetch(`${server.url}/b/shown/preview.png`);
      expect(preview.status).toBe(200);
      const picture = decodePng(Buffer.from(await preview.arrayBuffer()));
      // The picture fills about two fifths of the 1200 x 630 preview; the placeholder is grey.
      expect(tinted(picture, 'red')).toBeGreaterThan(100_000);
      expect(tinted(picture, 'red')).toBeLessThan(picture.width * picture.height * 0.6);
    } finally {
      destroyAll([peer]);
    }
  });
});
