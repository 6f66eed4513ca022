import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenService } from '../auth/TokenService.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { PreviewRenderer } from '../previews/PreviewRenderer.js';
import type { RoomManager } from '../rooms/RoomManager.js';

export interface HttpDeps {
  metrics: Metrics;
  rooms: RoomManager;
  logger: Logger;
  tokens: TokenService | null;
  adminToken: string | null;
  embedOrigins: readonly string[];
  publicUrl: string | null;
  staticDir: string | null;
  previews: PreviewRenderer;
  /** Not ready while starting or shutting down, or while storage (or the cluster bus) does not answer. */
  readiness: () => Promise<Readiness>;
}

export interface Readiness {
  ready: boolean;
  /** Each dependency: 'ok', or why it is not. */
  checks: Record<string, string>;
}

export function json(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

export const notFound = (res: ServerResponse): void => json(res, 404, { error: 'not found' });

/** The base URL clients reach this server at: PUBLIC_URL, else the request's Host. */
export function baseUrl(deps: HttpDeps, req: IncomingMessage): string {
  if (deps.publicUrl) return deps.publicUrl;
  const forwarded = req.headers['x-forwarded-proto'];
  const proto = forwarded === 'https' ? 'https' : 'http';
  return `${proto}://${req.headers.host ?? 'localhost'}`;
}

/**
 * Runs `fn` with the board's live document: loaded (or already in memory) for the call and
 * released afterwards, so a preview never keeps a board in memory.
 */
export async function withBoard<T>(
  deps: HttpDeps,
  boardId: string,
  fn: (room: Awaited<ReturnType<RoomManager['acquire']>>) => T,
): Promise<T> {
  const room = await deps.rooms.acquire(boardId);
  try {
    await room.whenReady();
    return fn(room);
  } finally {
    deps.rooms.releaseIfIdle(boardId);
  }
}
