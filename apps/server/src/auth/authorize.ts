import { ErrorCode, ProtocolError, Role } from '@drawbridge/protocol';
import type { Authorize } from '../handlers/context.js';
import type { TokenService } from './TokenService.js';

/**
 * Without a token service (no AUTH_SECRET) boards are open: everyone who has the link edits.
 * With one, every join needs a token, from the join payload or the handshake's `auth.token`,
 * and it is checked again on every join, so an expired token also fails a rejoin.
 */
export function createAuthorize(tokens: TokenService | null): Authorize {
  if (!tokens) return async () => Role.EDITOR;
  return async ({ boardId, token, socket }) => {
    const handshakeToken = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const presented = token ?? (typeof handshakeToken === 'string' ? handshakeToken : undefined);
    if (!presented) {
      throw new ProtocolError(ErrorCode.UNAUTHORIZED, 'this board needs a link with a token');
    }
    return (await tokens.verify(presented, boardId)).role;
  };
}
