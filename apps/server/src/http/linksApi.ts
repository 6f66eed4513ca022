import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidBoardId } from '@drawbridge/protocol';
import { parseTtl } from '../auth/TokenService.js';
import { baseUrl, type HttpDeps, json } from './context.js';

const MAX_BODY = 16 * 1024;

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * True when the request carries the admin token; otherwise answers 404 (API off) or 401 and
 * returns false.
 */
export function isAdmin(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): boolean {
  if (!deps.adminToken) {
    json(res, 404, { error: 'the admin API is disabled (set ADMIN_TOKEN)' });
    return false;
  }
  const header = req.headers.authorization ?? '';
  const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
  if (sameSecret(presented, deps.adminToken)) return true;
  json(res, 401, { error: 'bad or missing admin token' }, { 'www-authenticate': 'Bearer' });
  return false;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

/**
 * `POST /api/boards/:id/links` with `Authorization: Bearer <ADMIN_TOKEN>` and a JSON body
 * `{ role: 'editor' | 'viewer', ttl: '7d' | seconds }`: mints a capability link, for host apps'
 * backends. Answers `{ url, embedUrl, token, id, board, role, expiresAt }`.
 */
export async function serveCreateLink(
  deps: HttpDeps,
  req: IncomingMessage,
  res: ServerResponse,
  boardId: string,
): Promise<void> {
  if (!isAdmin(deps, req, res)) return;
  if (!deps.tokens)
    return json(res, 409, { error: 'boards are open: set AUTH_SECRET to mint links' });
  if (boardId !== '*' && !isValidBoardId(boardId))
    return json(res, 400, { error: 'invalid board id' });
  let body: { role?: unknown; ttl?: unknown };
  try {
    body = (await readJson(req)) as typeof body;
  } catch {
    return json(res, 400, { error: 'the body must be JSON of at most 16 KiB' });
  }
  const role = body.role ?? 'viewer';
  if (role !== 'editor' && role !== 'viewer')
    return json(res, 400, { error: 'role must be editor or viewer' });
  let ttlSeconds: number;
  try {
    ttlSeconds = parseTtl(String(body.ttl ?? '7d'));
  } catch (error) {
    return json(res, 400, { error: (error as Error).message });
  }
  const minted = await deps.tokens.mint({ board: boardId, role, ttlSeconds });
  const base = baseUrl(deps, req);
  const fragment = `#token=${encodeURIComponent(minted.token)}`;
  const path = boardId === '*' ? '' : boardId;
  json(res, 201, {
    url: `${base}/b/${path}${fragment}`,
    embedUrl: `${base}/embed/${path}${fragment}`,
    token: minted.token,
    id: minted.id,
    board: boardId,
    role,
    expiresAt: minted.expiresAt.toISOString(),
  });
}
