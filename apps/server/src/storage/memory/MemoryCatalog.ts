import {
  type BoardCatalog,
  type BoardSummary,
  type LinkRecord,
  type LinkState,
  type LinkStore,
  MAX_STORED_NAME,
  type NewLink,
  type RecentRevocations,
} from '../Catalog.js';

/** One board's records in memory (`MemoryStorage`). */
export interface BoardRecords {
  /** Survives compaction so seqs are never reused. */
  lastSeq: number;
  snapshot: { throughSeq: number; data: Uint8Array } | undefined;
  /** `corrupt`: the record no longer reads back (see `MemoryStorage.damage`). */
  updates: { seq: number; data: Uint8Array; corrupt?: true }[];
  updatedAt: number | null;
  name: string | null;
}

/** Everything a `MemoryStorage` holds; two handles on one state behave as two processes on one file. */
export class MemoryState {
  readonly boards = new Map<string, BoardRecords>();
  readonly links = new Map<string, LinkRecord>();
  /** Scope -> "revoke all" time. */
  readonly revokedBefore = new Map<string, number>();
}

const copy = (link: LinkRecord): LinkRecord => ({ ...link });

/** The link store in memory: the reference behaviour of `catalogContract.ts`. */
export class MemoryLinks implements LinkStore {
  readonly #data: MemoryState;
  readonly #ready: () => Promise<void>;

  constructor(data: MemoryState, ready: () => Promise<void>) {
    this.#data = data;
    this.#ready = ready;
  }

  async record(link: NewLink): Promise<void> {
    await this.#ready();
    this.#data.links.set(link.id, { ...link, revokedAt: null });
  }

  async list(scope: string): Promise<LinkRecord[]> {
    await this.#ready();
    return [...this.#data.links.values()]
      .filter((link) => link.scope === scope)
      .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0) || (a.id < b.id ? -1 : 1))
      .map(copy);
  }

  async revoke(scope: string, linkId: string, at: number): Promise<LinkRecord | null> {
    await this.#ready();
    const known = this.#data.links.get(linkId);
    if (known && known.scope !== scope) return null;
    const link = known ?? {
      id: linkId,
      scope,
      role: null,
      createdAt: null,
      expiresAt: null,
      revokedAt: null,
    };
    link.revokedAt ??= at;
    this.#data.links.set(linkId, link);
    return copy(link);
  }

  async revokeAll(scope: string, at: number): Promise<string[]> {
    await this.#ready();
    this.#data.revokedBefore.set(scope, Math.max(at, this.#data.revokedBefore.get(scope) ?? at));
    const revoked: string[] = [];
    for (const link of this.#data.links.values()) {
      if (link.scope !== scope || link.revokedAt !== null) continue;
      if (link.createdAt !== null && link.createdAt > at) continue;
      link.revokedAt = at;
      revoked.push(link.id);
    }
    return revoked;
  }

  async revokedSince(since: number): Promise<RecentRevocations> {
    await this.#ready();
    return {
      links: [...this.#data.links.values()]
        .filter((link) => link.revokedAt !== null && link.revokedAt > since)
        .map(({ scope, id }) => ({ scope, id })),
      scopes: [...this.#data.revokedBefore]
        .filter(([, at]) => at > since)
        .map(([scope, revokedBefore]) => ({ scope, revokedBefore })),
    };
  }

  async state(scope: string, linkId: string): Promise<LinkState> {
    await this.#ready();
    const link = this.#data.links.get(linkId);
    const mine = link?.scope === scope ? link : undefined;
    return {
      createdAt: mine?.createdAt ?? null,
      revokedAt: mine?.revokedAt ?? null,
      revokedBefore: this.#data.revokedBefore.get(scope) ?? null,
    };
  }
}

/** The board catalog in memory. */
export class MemoryBoards implements BoardCatalog {
  constructor(
    private readonly state: MemoryState,
    private readonly links: MemoryLinks,
    /** Settles queued appends first; throws once the storage is closed. */
    private readonly ready: () => Promise<void>,
  ) {}

  async list(): Promise<BoardSummary[]> {
    await this.ready();
    return [...this.state.boards.entries()]
      .filter(([, board]) => board.lastSeq > 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, board]) => ({
        id,
        name: board.name,
        bytes:
          (board.snapshot?.data.byteLength ?? 0) +
          board.updates.reduce((sum, { data }) => sum + data.byteLength, 0),
        updatedAt: board.updatedAt,
      }));
  }

  async delete(boardId: string, at: number): Promise<boolean> {
    await this.ready();
    await this.links.revokeAll(boardId, at);
    for (const [id, link] of this.state.links)
      if (link.scope === boardId) this.state.links.delete(id);
    return this.state.boards.delete(boardId);
  }

  async setName(boardId: string, name: string): Promise<void> {
    await this.ready();
    const board = this.state.boards.get(boardId);
    if (board) board.name = name.slice(0, MAX_STORED_NAME);
  }
}
