import type { Authorize } from '../handlers/context.js';
import type { BoardAccess } from './BoardAccess.js';

/**
 * A joining socket's role: its token from the join payload, else the handshake's `auth.token`,
 * checked on every join, so an expired (or revoked) token also fails a rejoin.
 */
export function createAuthorize(access: BoardAccess): Authorize {
  return async ({ boardId, token, socket }) => {
    const handshakeToken = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const presented = token ?? (typeof handshakeToken === 'string' ? handshakeToken : undefined);
    return (await access.check(boardId, presented)).role;
  };
}
