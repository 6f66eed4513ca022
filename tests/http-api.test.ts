/**
 * The HTTP API's contract: one error shape for every refusal, body limits per route, and the
 * Socket.IO endpoint on the same port untouched by the router.
 */
import { HttpErrorCode, readHttpError } from '@drawbridge/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenService } from '../apps/server/src/auth/TokenService.js';
import { connectPeer, destroyAll, expectConverged, type Peer, whenSaved } from './utils/peers.js';
import { startServer, type TestServer } from './utils/server.js';

const SECRET = 'http-api-test-secret-0123456789abcdef';
const ADMIN = 'http-api-admin-token-0123456789abcdef';
const admin = { authorization: `Bearer ${ADMIN}` };

/** The status, the error code and the headers of an answer that must be a refusal. */
async function refusal(response: Response) {
  const body = await response.json();
  const error = readHttpError(body);
  expect(error, JSON.stringify(body)).not.toBeNull();
  expect(Object.keys(body as object)).toEqual(['error']);
  expect(error!.message.length).toBeGreaterThan(0);
  expect(response.headers.get('content-type')).toContain('application/json');
  return { status: response.status, code: error!.code, headers: response.headers };
}

describe('HTTP API', () => {
  let server: TestServer;
  let peers: Peer[] = [];
  afterEach(async () => {
    destroyAll(peers);
    peers = [];
    await server?.destroy();
  });

  it('answers every refusal as { error: { code, message } } with a fitting status', async () => {
    server = await startServer({ tokens: new TokenService(SECRET), adminToken: ADMIN });
    const url = server.url;
    const mint = (body: string, headers: Record<string, string> = admin) =>
      fetch(`${url}/api/boards/b1/links`, { method: 'POST', headers, body });

    expect(await refusal(await fetch(`${url}/no/such/route`))).toMatchObject({
      status: 404,
      code: HttpErrorCode.NOT_FOUND,
    });
    const unauthorized = await refusal(await mint('{}', {}));
    expect(unauthorized).toMatchObject({ status: 401, code: HttpErrorCode.ADMIN_UNAUTHORIZED });
    expect(unauthorized.headers.get('www-authenticate')).toBe('Bearer');
    expect(await refusal(await mint('{"role":'))).toMatchObject({
      status: 400,
      code: HttpErrorCode.BAD_REQUEST,
    });
    expect(await refusal(await mint('[1,2]'))).toMatchObject({ status: 400 });
    expect(await refusal(await mint('{"role":"owner"}'))).toMatchObject({ status: 400 });
    expect(await refusal(await mint('{"ttl":{"days":1}}'))).toMatchObject({ status: 400 });
    const wrongMethod = await refusal(
      await fetch(`${url}/api/boards/b1/links`, { method: 'PUT', headers: admin }),
    );
    expect(wrongMethod).toMatchObject({ status: 405, code: HttpErrorCode.METHOD_NOT_ALLOWED });
    expect(wrongMethod.headers.get('allow')).toContain('POST');
    // A board id that is not one never reaches a handler.
    expect(
      await refusal(await fetch(`${url}/api/boards/${'x'.repeat(65)}/links`, { headers: admin })),
    ).toMatchObject({ status: 404 });
    expect(await refusal(await fetch(`${url}/b/b1/preview.png`))).toMatchObject({
      status: 401,
      code: HttpErrorCode.UNAUTHORIZED,
    });
    expect(await refusal(await fetch(`${url}/b/b1/preview.png?token=not-a-token`))).toMatchObject({
      status: 401,
      code: HttpErrorCode.UNAUTHORIZED,
    });
    expect(await refusal(await fetch(`${url}/oembed?url=x&format=xml`))).toMatchObject({
      status: 501,
      code: HttpErrorCode.NOT_IMPLEMENTED,
    });

    // The minted link is the happy path of the same route.
    const created = await mint('{"role":"viewer","ttl":"1h"}');
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ board: 'b1', role: 'viewer' });
  });

  it('refuses bodies over the route limit, with or without Content-Length, storing nothing', async () => {
    server = await startServer({ tokens: new TokenService(SECRET), adminToken: ADMIN });
    const big = JSON.stringify({ role: 'viewer', padding: 'x'.repeat(20 * 1024) });
    const sized = await fetch(`${server.url}/api/boards/b1/links`, {
      method: 'POST',
      headers: admin,
      body: big,
    });
    expect(await refusal(sized)).toMatchObject({
      status: 413,
      code: HttpErrorCode.PAYLOAD_TOO_LARGE,
    });
    // Chunked: no Content-Length, so the limit is enforced while reading.
    const bytes = new TextEncoder().encode(big);
    const chunked = await fetch(`${server.url}/api/boards/b1/links`, {
      method: 'POST',
      headers: admin,
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 4096) controller.enqueue(bytes.slice(i, i + 4096));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(await refusal(chunked)).toMatchObject({ status: 413 });
  });

  it('an admin API without ADMIN_TOKEN is off (404), and health stays open', async () => {
    server = await startServer({ tokens: new TokenService(SECRET) });
    expect(
      await refusal(await fetch(`${server.url}/api/boards/b1/links`, { method: 'POST' })),
    ).toMatchObject({ status: 404, code: HttpErrorCode.ADMIN_DISABLED });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const head = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('Socket.IO shares the port: its requests never reach the router', async () => {
    server = await startServer();
    // Long-polling handshake: an Engine.IO answer, not the router's 404 JSON.
    const handshake = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    expect(handshake.status).toBe(200);
    expect(await handshake.text()).toMatch(/^0\{"sid":/);
    const peersOnBoard = [
      connectPeer(server.url, 'shared-port'),
      connectPeer(server.url, 'shared-port'),
    ];
    peers.push(...peersOnBoard);
    peersOnBoard[0]!.doc.getMap('shapes').set('a', 1);
    await Promise.all(peersOnBoard.map(whenSaved));
    await expectConverged(peersOnBoard.map((p) => p.doc));
  });
});
