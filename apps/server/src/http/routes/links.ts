import { HttpErrorCode, type Role } from '@drawbridge/protocol';
import { Hono, type MiddlewareHandler } from 'hono';
import type { LinkAdmin } from '../../admin/LinkAdmin.js';
import { isLinkScope, LINK_ID_PATTERN } from '../../auth/revocation.js';
import { ALL_BOARDS, parseTtl } from '../../auth/TokenService.js';
import type { LinkRecord } from '../../storage/Catalog.js';
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
  /** Null when boards are open (no AUTH_SECRET): there are no links. */
  linkAdmin: LinkAdmin | null;
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

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A stored link as the API shows it; `recorded` is false for one known only by its revocation. */
const showLink = (link: LinkRecord) => ({
  id: link.id,
  board: link.scope,
  role: link.role,
  createdAt: iso(link.createdAt),
  expiresAt: iso(link.expiresAt),
  revokedAt: iso(link.revokedAt),
  recorded: link.createdAt !== null,
});

const noStore = { 'cache-control': 'no-store' };

/**
 * The links API (admin token), for host apps' backends and `pnpm board-link`. `:id` is a board
 * id, or `*` for links that open every board.
 * - `POST /api/boards/:id/links` with `{ role, ttl }` mints a link (and records it);
 * - `GET /api/boards/:id/links` lists the board's links, revoked and expired ones included;
 * - `DELETE /api/boards/:id/links/:linkId` revokes one; `DELETE /api/boards/:id/links` all.
 * Sockets holding a revoked link leave the board at once, on every node.
 */
export function linkRoutes(deps: LinkDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const path = '/api/boards/:id/links';
  const links = (): LinkAdmin => {
    if (!deps.linkAdmin) {
      throw new HttpError(
        409,
        HttpErrorCode.CONFLICT,
        'boards are open: set AUTH_SECRET to use links',
      );
    }
    return deps.linkAdmin;
  };
  const admin = requireAdmin(deps.adminToken);
  const scoped: MiddlewareHandler<HttpEnv> = async (c, next) => {
    if (!isLinkScope(c.req.param('id'))) throw notFound('no such board');
    await next();
  };

  app.post(path, admin, scoped, limitBody(MINT_BODY_BYTES), async (c) => {
    const scope = c.req.param('id');
    const linkAdmin = links();
    const { role, ttlSeconds } = await readJson(c, parseMint);
    const minted = await linkAdmin.mint(scope, role, ttlSeconds);
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
        createdAt: minted.createdAt.toISOString(),
        expiresAt: minted.expiresAt.toISOString(),
      },
      201,
      noStore,
    );
  });

  app.get(path, admin, scoped, async (c) => {
    const scope = c.req.param('id');
    const listed = await links().list(scope);
    return c.json({ board: scope, links: listed.map(showLink) }, 200, noStore);
  });

  app.delete(path, admin, scoped, async (c) => {
    const scope = c.req.param('id');
    const { revokedBefore, linkIds } = await links().revokeAll(scope);
    return c.json(
      { board: scope, revokedBefore: new Date(revokedBefore).toISOString(), revoked: linkIds },
      200,
      noStore,
    );
  });

  app.delete(`${path}/:linkId`, admin, scoped, async (c) => {
    const scope = c.req.param('id');
    const linkId = c.req.param('linkId');
    if (!LINK_ID_PATTERN.test(linkId)) throw notFound('no such link');
    const link = await links().revoke(scope, linkId);
    if (!link) throw notFound(`link ${linkId} is not a link of ${scope}`);
    return c.json({ link: showLink(link) }, 200, noStore);
  });

  app.all(path, admin, scoped, methodNotAllowed(['GET', 'POST', 'DELETE']));
  app.all(`${path}/:linkId`, admin, scoped, methodNotAllowed(['DELETE']));
  return app;
}
