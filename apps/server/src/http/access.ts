import { ErrorCode, HttpErrorCode, ProtocolError, type Role } from '@drawbridge/protocol';
import type { Context } from 'hono';
import type { BoardAccess } from '../auth/BoardAccess.js';
import { HttpError } from './errors.js';

/** The capability token of an HTTP request: `?token=`, else `Authorization: Bearer`. */
export function requestToken(c: Context): string | null {
  const query = c.req.query('token');
  if (query) return query;
  const header = c.req.header('authorization') ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : null;
}

/**
 * The role a reader holding `token` has on a board over HTTP (previews, oEmbed, assets): the
 * same rule as joining it, revocations included. Open boards need no token (editor). Refusals
 * are `HttpError`s with the socket's code, 403 for a token of another board, else 401.
 */
export async function checkAccess(
  access: BoardAccess,
  boardId: string,
  token: string | null,
): Promise<Role> {
  try {
    return (await access.check(boardId, token ?? undefined)).role;
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    const code = HTTP_CODES[error.code];
    if (!code) throw error;
    throw new HttpError(code === HttpErrorCode.FORBIDDEN ? 403 : 401, code, error.message);
  }
}

const HTTP_CODES: Partial<Record<ErrorCode, HttpErrorCode>> = {
  [ErrorCode.UNAUTHORIZED]: HttpErrorCode.UNAUTHORIZED,
  [ErrorCode.TOKEN_EXPIRED]: HttpErrorCode.TOKEN_EXPIRED,
  [ErrorCode.FORBIDDEN]: HttpErrorCode.FORBIDDEN,
  [ErrorCode.LINK_REVOKED]: HttpErrorCode.LINK_REVOKED,
};
