import { isAssetId } from '@drawbridge/board';
import { HttpErrorCode, imageTypeName, Role, sniffImage } from '@drawbridge/protocol';
import { Hono } from 'hono';
import type { BoardAccess } from '../../auth/BoardAccess.js';
import type { Clock } from '../../clock.js';
import type { ImageOptions } from '../../config.js';
import type { AssetStore } from '../../storage/AssetStore.js';
import { checkAccess, requestToken } from '../access.js';
import { boardIdParam, type HttpEnv } from '../context.js';
import { HttpError, methodNotAllowed, notFound } from '../errors.js';
import { sendBytes } from '../sendBytes.js';
import { checkDeclaredType, checkPictureSize, formatBytes } from './imageChecks.js';
import { readUpload } from './readUpload.js';

export interface AssetDeps {
  access: BoardAccess;
  assets: AssetStore;
  images: ImageOptions;
  clock: Clock;
}

/**
 * Served images can never run as a document: the type is the sniffed one and may not be
 * second-guessed, the policy allows nothing to load or run, and other sites may not embed it.
 */
const SAFE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * A board's images: `POST /api/boards/:id/assets` (editors) stores the raw bytes of one PNG,
 * JPEG, GIF or WebP and answers its id; `GET /api/boards/:id/assets/:assetId` (anyone who may
 * see the board) serves it, immutable. The type is sniffed from the bytes; a declared type or
 * file name that disagrees, SVG, and anything else are refused, and nothing is stored.
 */
export function assetRoutes(deps: AssetDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const { maxImageBytes, maxBoardImageBytes } = deps.images;
  const collection = '/api/boards/:id/assets';

  app.post(
    collection,
    boardIdParam,
    async (c, next) => {
      const role = await checkAccess(deps.access, c.req.param('id'), requestToken(c));
      if (role !== Role.EDITOR) {
        throw new HttpError(403, HttpErrorCode.FORBIDDEN, 'viewers cannot add images');
      }
      await next();
    },
    async (c) => {
      const boardId = c.req.param('id');
      // Read from the node request as it arrives (see readUpload.ts), never through c.req.
      const upload = await readUpload(c.env.incoming, maxImageBytes);
      if (upload === 'too-large') {
        throw new HttpError(
          413,
          HttpErrorCode.PAYLOAD_TOO_LARGE,
          `an image may be at most ${formatBytes(maxImageBytes)}`,
        );
      }
      const { bytes, sha256: assetId } = upload;
      if (bytes.byteLength === 0) {
        throw new HttpError(400, HttpErrorCode.BAD_REQUEST, 'the body must be the image bytes');
      }
      const sniffed = sniffImage(bytes);
      if (!sniffed.ok) {
        throw new HttpError(415, HttpErrorCode.UNSUPPORTED_MEDIA_TYPE, sniffed.message);
      }
      checkDeclaredType(sniffed.type, c.req.header('content-type'), c.req.query('name'));
      checkPictureSize(sniffed);
      const result = await deps.assets.put(
        boardId,
        { assetId, type: sniffed.type, width: sniffed.width, height: sniffed.height, data: bytes },
        { maxBoardBytes: maxBoardImageBytes, now: deps.clock.now() },
      );
      if (!result.ok) {
        throw new HttpError(
          413,
          HttpErrorCode.PAYLOAD_TOO_LARGE,
          `this board's images may total at most ${formatBytes(result.limit)}; ` +
            `it holds ${formatBytes(result.used)}`,
        );
      }
      return c.json(result.asset, result.created ? 201 : 200, { 'cache-control': 'no-store' });
    },
  );
  app.all(collection, methodNotAllowed(['POST']));

  const one = `${collection}/:assetId`;
  app.get(one, boardIdParam, async (c) => {
    const boardId = c.req.param('id');
    const assetId = c.req.param('assetId');
    if (!isAssetId(assetId)) throw notFound('no such image');
    await checkAccess(deps.access, boardId, requestToken(c));
    const cache = `${deps.access.open ? 'public' : 'private'}, max-age=31536000, immutable`;
    // The id is the content's hash: a copy the client holds is this image.
    const etag = `"${assetId}"`;
    if (c.req.header('if-none-match') === etag) {
      return c.body(null, 304, { etag, 'cache-control': cache, ...SAFE_HEADERS });
    }
    const asset = await deps.assets.get(boardId, assetId);
    if (!asset) throw notFound('this board has no such image');
    return sendBytes(
      c.env.incoming,
      c.env.outgoing,
      200,
      {
        'content-type': asset.type,
        'content-disposition': `inline; filename="${assetId.slice(0, 16)}.${imageTypeName(asset.type).toLowerCase()}"`,
        etag,
        'cache-control': cache,
        ...SAFE_HEADERS,
      },
      asset.data,
    );
  });
  app.all(one, methodNotAllowed(['GET']));
  return app;
}
