import type { Role } from '@drawbridge/protocol';
import type { Revocation } from '../auth/revocation.js';
import type { MintedToken, TokenService } from '../auth/TokenService.js';
import type { Clock } from '../clock.js';
import type { LinkRecord, LinkStore } from '../storage/Catalog.js';
import type { NodeCommands } from './NodeCommands.js';

/**
 * Minting, listing and revoking links (the links API and `pnpm board-link`). A revocation is
 * stored first (every later join reads it), then pushed: this node's and every other node's
 * sockets holding the link leave the board at once.
 */
export class LinkAdmin {
  constructor(
    private readonly deps: {
      tokens: TokenService;
      links: LinkStore;
      commands: NodeCommands;
      clock: Clock;
    },
  ) {}

  /** Mints a link and records it, so it is listed and can be revoked. */
  async mint(scope: string, role: Role, ttlSeconds: number): Promise<MintedToken> {
    const minted = await this.deps.tokens.mint({ board: scope, role, ttlSeconds });
    await this.deps.links.record({
      id: minted.id,
      scope,
      role,
      createdAt: minted.createdAt.getTime(),
      expiresAt: minted.expiresAt.getTime(),
    });
    return minted;
  }

  list(scope: string): Promise<LinkRecord[]> {
    return this.deps.links.list(scope);
  }

  /** Revokes one link; null when the id is a link of another scope. */
  async revoke(scope: string, linkId: string): Promise<LinkRecord | null> {
    const link = await this.deps.links.revoke(scope, linkId, this.deps.clock.now());
    if (link) this.#push({ scope, linkIds: [linkId], revokedBefore: null });
    return link;
  }

  /** Revokes every link of the scope minted until now, recorded or not. */
  async revokeAll(scope: string): Promise<{ revokedBefore: number; linkIds: string[] }> {
    const revokedBefore = this.deps.clock.now();
    const linkIds = await this.deps.links.revokeAll(scope, revokedBefore);
    this.#push({ scope, linkIds, revokedBefore });
    return { revokedBefore, linkIds };
  }

  #push(revocation: Revocation): void {
    this.deps.commands.revoke(revocation);
  }
}
