/**
 * What storage keeps about boards and links besides the boards' logs: minted links and their
 * revocations, and the catalog operators list and delete boards with. Every backend implements
 * both (`storage.links`, `storage.boards`) and passes `catalogContract.ts`.
 */
import type { Role } from '@drawbridge/protocol';

/** A link as stored. Fields are null for a link known only by its revocation (never recorded). */
export interface LinkRecord {
  id: string;
  /** The board id the link opens, or `*` for every board. */
  scope: string;
  role: Role | null;
  /** When it was minted (ms since the epoch). */
  createdAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface NewLink {
  id: string;
  scope: string;
  role: Role;
  createdAt: number;
  expiresAt: number;
}

/** What storage says about one link: enough to decide whether its token is revoked. */
export interface LinkState {
  /** When the link was recorded as minted; null for a token minted without a record. */
  createdAt: number | null;
  revokedAt: number | null;
  /** Every link of the scope minted at or before this time is revoked ("revoke all"). */
  revokedBefore: number | null;
}

/** Revocations stored since some time: what a node re-applies in case it missed their push. */
export interface RecentRevocations {
  links: { scope: string; id: string }[];
  /** Scopes whose links were all revoked ("revoke all", a board's deletion). */
  scopes: { scope: string; revokedBefore: number }[];
}

export interface LinkStore {
  /** Records a freshly minted link. */
  record(link: NewLink): Promise<void>;
  /** The scope's links, newest first; revoked and expired ones included. */
  list(scope: string): Promise<LinkRecord[]>;
  /**
   * Revokes one link of the scope at `at`, keeping the first revocation time of a link revoked
   * twice. A link never recorded (minted before links were stored, or by the offline CLI) is
   * recorded as revoked. Null when the id is a link of another scope.
   */
  revoke(scope: string, linkId: string, at: number): Promise<LinkRecord | null>;
  /**
   * Revokes every link of the scope minted at or before `at`, recorded or not. Resolves with
   * the ids of the recorded links it revoked now.
   */
  revokeAll(scope: string, at: number): Promise<string[]>;
  /** What is stored about one link of a scope: read on every join with its token. */
  state(scope: string, linkId: string): Promise<LinkState>;
  /** Links revoked, and scopes revoked whole, at a time after `since` (ms). */
  revokedSince(since: number): Promise<RecentRevocations>;
}

export interface BoardSummary {
  id: string;
  /** The name stored when the board was last unloaded; null before it ever was. */
  name: string | null;
  /** Stored bytes: its snapshot and the records after it. */
  bytes: number;
  /** When a change was last stored (ms since the epoch); null when not known. */
  updatedAt: number | null;
}

export interface BoardCatalog {
  /** Every board with stored content, by id. */
  list(): Promise<BoardSummary[]>;
  /**
   * Deletes the board's records, snapshot and links, and revokes every link minted for it up to
   * `at`, so a new board that later takes the same id does not open with them. Resolves false
   * when nothing was stored. Appends already queued for the board settle first.
   */
  delete(boardId: string, at: number): Promise<boolean>;
  /** Keeps the board's name for the list (boards that are not loaded anywhere). */
  setName(boardId: string, name: string): Promise<void>;
}

/** Longest stored board name; longer ones are cut (names are for humans in a list). */
export const MAX_STORED_NAME = 200;
