import { ErrorCode, ProtocolError, type Role } from '@drawbridge/protocol';
import type { HttpDeps } from './context.js';

/**
 * Whether a reader holding `token` may see a board over HTTP (previews, oEmbed): the same rule
 * as joining it. Open boards need no token.
 */
export async function checkAccess(
  deps: HttpDeps,
  boardId: string,
  token: string | null,
): Promise<Role | null> {
  if (!deps.tokens) return null;
  if (!token) throw new ProtocolError(ErrorCode.UNAUTHORIZED, 'this board needs a token');
  return (await deps.tokens.verify(token, boardId)).role;
}

/** HTTP status for a refused access. */
export const accessStatus = (error: unknown): number =>
  error instanceof ProtocolError && error.code === ErrorCode.FORBIDDEN ? 403 : 401;
