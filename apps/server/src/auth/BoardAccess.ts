import { ErrorCode, ProtocolError, Role } from '@drawbridge/protocol';
import type { LinkStore } from '../storage/Catalog.js';
import { type LinkGrant, revokedByState } from './revocation.js';
import type { TokenService } from './TokenService.js';

/** What a token granted on one board. */
export interface Grant {
  role: Role;
  /** The link the token is; null on open boards. */
  link: LinkGrant | null;
}

/**
 * Who may open a board, over sockets and HTTP alike. Without a token service (no AUTH_SECRET)
 * boards are open: everyone who has the link edits. With one, every access needs a token for
 * the board that is genuine, unexpired and not revoked. Revocations live in storage (the one
 * truth every node shares) and are read on every check, so a node that missed a revocation's
 * push still refuses the token.
 */
export class BoardAccess {
  constructor(
    private readonly tokens: TokenService | null,
    private readonly links: LinkStore,
  ) {}

  /** True when boards need no token. */
  get open(): boolean {
    return this.tokens === null;
  }

  /** `verify` and `confirm` together: the whole check, for one-shot readers (HTTP). */
  async check(boardId: string, token: string | undefined): Promise<Grant> {
    return this.confirm(await this.verify(boardId, token));
  }

  /**
   * The token's signature, expiry and board, without storage. ProtocolError (UNAUTHORIZED,
   * TOKEN_EXPIRED, FORBIDDEN) when it does not open the board.
   */
  async verify(boardId: string, token: string | undefined): Promise<Grant> {
    if (!this.tokens) return { role: Role.EDITOR, link: null };
    if (!token) {
      throw new ProtocolError(ErrorCode.UNAUTHORIZED, 'this board needs a link with a token');
    }
    const claims = await this.tokens.verify(token, boardId);
    return {
      role: claims.role,
      link: { id: claims.id, scope: claims.board, issuedAt: claims.issuedAt.getTime() },
    };
  }

  /**
   * Reads the link's revocations: ProtocolError(LINK_REVOKED) when it is revoked. Answers the
   * grant with the link's mint time to the millisecond when it is recorded, so a later "revoke
   * all" is applied exactly.
   */
  async confirm(grant: Grant): Promise<Grant> {
    if (!grant.link) return grant;
    const state = await this.links.state(grant.link.scope, grant.link.id);
    const link = { ...grant.link, issuedAt: state.createdAt ?? grant.link.issuedAt };
    if (revokedByState(link, state)) {
      throw new ProtocolError(ErrorCode.LINK_REVOKED, 'this link was revoked');
    }
    return { ...grant, link };
  }
}
