/**
 * When a link is revoked, as pure rules shared by the check on every join (against what
 * storage holds) and by the push that removes the sockets already on a board.
 */
import { isValidBoardId } from '@drawbridge/protocol';
import type { LinkState } from '../storage/Catalog.js';
import { ALL_BOARDS } from './TokenService.js';

/** The link a socket (or a request) holds a board with. */
export interface LinkGrant {
  /** The token's id (`jti`). */
  id: string;
  /** The token's board claim: a board id, or `*`. */
  scope: string;
  /**
   * When it was minted, ms: the recorded time when storage has one, else the token's `iat`
   * (whole seconds, so a "revoke all" also takes the unrecorded links minted in its second).
   */
  issuedAt: number;
}

/** A revocation as pushed to every node: some links of a scope, or all up to a time. */
export interface Revocation {
  scope: string;
  linkIds: string[];
  /** Every link of the scope minted at or before this time (ms); null for none. */
  revokedBefore: number | null;
}

export function revokedByState(link: LinkGrant, state: LinkState): boolean {
  return (
    state.revokedAt !== null ||
    (state.revokedBefore !== null && link.issuedAt <= state.revokedBefore)
  );
}

export function revokedBy(link: LinkGrant, revocation: Revocation): boolean {
  if (link.scope !== revocation.scope) return false;
  return (
    revocation.linkIds.includes(link.id) ||
    (revocation.revokedBefore !== null && link.issuedAt <= revocation.revokedBefore)
  );
}

/** A link id as minted (nanoid) or typed by an operator: what may be stored and looked up. */
export const LINK_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const isLinkScope = (value: unknown): value is string =>
  value === ALL_BOARDS || isValidBoardId(value);

const MAX_PUSHED_IDS = 10_000;

/** A revocation from another node, checked like any input; null when malformed. */
export function readRevocation(value: unknown): Revocation | null {
  if (typeof value !== 'object' || value === null) return null;
  const { scope, linkIds, revokedBefore } = value as Record<string, unknown>;
  if (!isLinkScope(scope)) return null;
  if (
    !Array.isArray(linkIds) ||
    linkIds.length > MAX_PUSHED_IDS ||
    !linkIds.every((id) => typeof id === 'string' && LINK_ID_PATTERN.test(id))
  ) {
    return null;
  }
  if (revokedBefore !== null && !Number.isSafeInteger(revokedBefore)) return null;
  return { scope, linkIds, revokedBefore: revokedBefore as number | null };
}
