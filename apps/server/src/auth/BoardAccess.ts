import { ErrorCode, ProtocolError, Role } from '@drawbridge/protocol';
import type { TokenService } from './TokenService.js';

/** What a token granted on one board. */
export interface Grant {
  role: Role;
}

/**
 * Who may open a board, over sockets and HTTP alike. Without a token service (no AUTH_SECRET)
 * boards are open: everyone who has the link edits. With one, every access needs a valid
 * token for the board.
 */
export class BoardAccess {
  constructor(private readonly tokens: TokenService | null) {}

  /** True when boards need no token. */
  get open(): boolean {
    return this.tokens === null;
  }

  /** The grant of `token` on `boardId`; ProtocolError (UNAUTHORIZED, TOKEN_EXPIRED, ...) if none. */
  async check(boardId: string, token: string | undefined): Promise<Grant> {
    if (!this.tokens) return { role: Role.EDITOR };
    if (!token)
      throw new ProtocolError(ErrorCode.UNAUTHORIZED, 'this board needs a link with a token');
    const claims = await this.tokens.verify(token, boardId);
    return { role: claims.role };
  }
}
