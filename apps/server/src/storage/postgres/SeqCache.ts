/** How long a board that another writer just moved skips the one-round-trip append. */
const CONTENDED_MS = 2000;
const DEFAULT_MAX_BOARDS = 10_000;

/**
 * What this node believes each board's last seq is, so that an append can compute its seqs (and
 * the checksums that bind them) before it talks to PostgreSQL, and commit in one statement that
 * succeeds only if the belief is still true. A wrong belief costs a retry, never a wrong seq.
 * Boards that another writer keeps moving are marked contended for a while and take the
 * locking path directly, instead of failing the guess every time.
 */
export class SeqCache {
  readonly #seqs = new Map<string, number>();
  readonly #contendedUntil = new Map<string, number>();
  readonly #maxBoards: number;
  readonly #now: () => number;

  constructor(options: { maxBoards?: number; now?: () => number } = {}) {
    this.#maxBoards = options.maxBoards ?? DEFAULT_MAX_BOARDS;
    this.#now = options.now ?? (() => performance.now());
  }

  /** The believed last seq, or undefined when unknown or contended. */
  get(boardId: string): number | undefined {
    const until = this.#contendedUntil.get(boardId);
    if (until !== undefined) {
      if (until > this.#now()) return undefined;
      this.#contendedUntil.delete(boardId);
    }
    return this.#seqs.get(boardId);
  }

  /** The board's last seq as of a commit of ours: authoritative at that moment. */
  set(boardId: string, seq: number): void {
    this.#seqs.delete(boardId);
    this.#seqs.set(boardId, seq);
    // Oldest first: a Map iterates in insertion order, and `set` re-inserts.
    while (this.#seqs.size > this.#maxBoards) {
      const oldest = this.#seqs.keys().next().value as string;
      this.#seqs.delete(oldest);
      this.#contendedUntil.delete(oldest);
    }
  }

  /** A seq seen in a read: seqs only grow, so an older read never lowers what a commit taught. */
  learn(boardId: string, seq: number): void {
    const known = this.#seqs.get(boardId);
    if (known === undefined || seq > known) this.set(boardId, seq);
  }

  /** Another writer moved the board since we last knew it. */
  miss(boardId: string): void {
    this.#seqs.delete(boardId);
    this.#contendedUntil.set(boardId, this.#now() + CONTENDED_MS);
  }

  /** A commit failed without telling us what was stored: believe nothing about these boards. */
  forget(boardIds: Iterable<string>): void {
    for (const boardId of boardIds) this.#seqs.delete(boardId);
  }
}
