import type { Grant } from '../auth/BoardAccess.js';

/**
 * The boards one socket has joined, with what its token granted on each. Nearly every socket
 * joins one board, and an idle connection keeps this for its whole life: the first board is
 * held in two fields (about 40 bytes) and a Map (about 190 bytes even when it holds one entry)
 * is made only for a second. Iteration follows join order, as a Map's would.
 */
export class JoinedBoards {
  /** Null only when no board is joined: the first board to leave hands its slot on. */
  #firstId: string | null = null;
  #firstGrant: Grant | null = null;
  #more: Map<string, Grant> | null = null;

  get size(): number {
    return (this.#firstId === null ? 0 : 1) + (this.#more?.size ?? 0);
  }

  has(boardId: string): boolean {
    return this.#firstId === boardId || (this.#more?.has(boardId) ?? false);
  }

  get(boardId: string): Grant | undefined {
    if (this.#firstId === boardId) return this.#firstGrant!;
    return this.#more?.get(boardId);
  }

  set(boardId: string, grant: Grant): void {
    // The first slot is empty only when no board is held at all (see `#promote`).
    if (this.#firstId === null || this.#firstId === boardId) {
      this.#firstId = boardId;
      this.#firstGrant = grant;
      return;
    }
    this.#more ??= new Map();
    this.#more.set(boardId, grant);
  }

  delete(boardId: string): boolean {
    if (this.#firstId === boardId) {
      this.#firstId = null;
      this.#firstGrant = null;
      this.#promote();
      return true;
    }
    const deleted = this.#more?.delete(boardId) ?? false;
    if (deleted && this.#more!.size === 0) this.#more = null;
    return deleted;
  }

  /** The joined boards' ids, in join order (a copy: safe to leave boards while iterating). */
  ids(): string[] {
    const ids = this.#firstId === null ? [] : [this.#firstId];
    if (this.#more) ids.push(...this.#more.keys());
    return ids;
  }

  /** After the first board left: the next one in join order takes its slot. */
  #promote(): void {
    const more = this.#more;
    if (!more) return;
    const next = more.keys().next();
    if (next.done) return;
    this.#firstId = next.value;
    this.#firstGrant = more.get(next.value)!;
    more.delete(next.value);
    if (more.size === 0) this.#more = null;
  }
}
