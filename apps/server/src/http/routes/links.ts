import { HttpErrorCode, isValidBoardId, type Role } from '@drawbridge/protocol';
import { Hono } from 'hono';
import { ALL_BOARDS, parseTtl, type TokenService } from '../../auth/TokenService.js';
import { requireAdmin } from '../admin.js';
import { baseUrl, type HttpEnv } from '../context.js';
import {
  badRequest,
  HttpError,
  limitBody,
  methodNotAllowed,
  notFound,
  readJson,
} from '../errors.js';

export interface LinkDeps {
  tokens: TokenService | null;
  adminToken: string | null;
  publicUrl: string | null;
}

const MINT_BODY_BYTES = 16 * 1024;

interface MintBody {
  role: Role;
  ttlSeconds: number;
}

function parseMint(value: unknown): MintBody {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('the body must be a JSON object');
  }
  const { role = 'viewer', ttl = '7d' } = value as { role?: unknown; ttl?: unknown };
  if (role !== 'editor' && role !== 'viewer') throw badRequest('role must be editor or viewer');
  if (typeof ttl !== 'string' && typeof ttl !== 'number') {
    throw badRequest('ttl must be a duration (7d, 12h, 30m) or a number of seconds');
  }
  try {
    return { role, ttlSeconds: parseTtl(String(ttl)) };
  } catch (error) {
    throw badRequest((error as Error).message);
  }
}

/**
 * The links API (admin token): `POST /api/boards/:id/links` with `{ role, ttl }` mints a
 * capability link, for host apps' backends. `:id` may be `*` (every board).
 */
export function linkRoutes(deps: LinkDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const path = '/api/boards/:id/links';
  app.use(path, requireAdmin(deps.adminToken), async (c, next) => {
    const scope = c.req.param('id');
    if (scope !== ALL_BOARDS && !isValidBoardId(scope)) throw notFound('no such board');
    await next();
  });
  app.post(path, limitBody(MINT_BODY_BYTES), async (c) => {
    const scope = c.req.param('id');
    if (!deps.tokens) {
      throw new HttpError(
        409,
        HttpErrorCode.CONFLICT,
        'boards are open: set AUTH_SECRET to mint links',
      );
    }
    const { role, ttlSeconds } = await readJson(c, parseMint);
    const minted = await deps.tokens.mint({ board: scope, role, ttlSeconds });
    const base = baseUrl(deps.publicUrl, c);
    const fragment = `#token=${encodeURIComponent(minted.token)}`;
    const target = scope === ALL_BOARDS ? '' : scope;
    return c.json(
      {
        url: `${base}/b/${target}${fragment}`,
        embedUrl: `${base}/embed/${target}${fragment}`,
        token: minted.token,
        id: minted.id,
        board: scope,
        role,
        expiresAt: minted.expiresAt.toISOString(),
      },
      201,
      { 'cache-control': 'no-store' },
    );
  });
  app.all(path, methodNotAllowed(['POST']));
  return app;
}
