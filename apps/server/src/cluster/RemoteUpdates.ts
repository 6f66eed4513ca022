/** A remote update applied here but not (yet) confirmed stored by its node. */
export interface Unconfirmed {
  update: Uint8Array;
  at: number;
  /** Stored by this node (adopted), still waiting for its node's notice. */
  adopted: boolean;
}

/**
 * Other nodes' update messages that one board's document here has applied and their node has
 * not yet confirmed stored, by node and message number: what a join here stores first, and
 * what a node that left or died never stored (`BoardReplica.adopt`).
 */
export class RemoteUpdates {
  readonly #byNode = new Map<string, Map<number, Unconfirmed>>();

  /** Entries neither confirmed by their node nor adopted here. */
  get count(): number {
    let count = 0;
    for (const entries of this.#byNode.values())
      for (const entry of entries.values()) if (!entry.adopted) count++;
    return count;
  }

  applied(node: string, msg: number, update: Uint8Array, at: number): void {
    let entries = this.#byNode.get(node);
    if (!entries) {
      entries = new Map();
      this.#byNode.set(node, entries);
    }
    entries.set(msg, { update, at, adopted: false });
  }

  get(node: string, msg: number): Unconfirmed | undefined {
    return this.#byNode.get(node)?.get(msg);
  }

  /** Entries not adopted yet: of `node` only when given, and numbered below `below`. */
  unadopted(node?: string, below = Number.POSITIVE_INFINITY): Unconfirmed[] {
    const found: Unconfirmed[] = [];
    for (const [from, entries] of this.#byNode) {
      if (node !== undefined && from !== node) continue;
      for (const [msg, entry] of entries) if (!entry.adopted && msg < below) found.push(entry);
    }
    return found;
  }

  /** Forgets `node`'s messages numbered from `from` through `through`. */
  forget(node: string, from: number, through: number): void {
    const entries = this.#byNode.get(node);
    if (!entries) return;
    for (const msg of entries.keys()) if (msg >= from && msg <= through) entries.delete(msg);
    if (entries.size === 0) this.#byNode.delete(node);
  }

  /** Forgets `node`'s entries adopted here; those that came after stay until adopted. */
  forgetAdopted(node: string): void {
    const entries = this.#byNode.get(node);
    if (!entries) return;
    for (const [msg, entry] of entries) if (entry.adopted) entries.delete(msg);
    if (entries.size === 0) this.#byNode.delete(node);
  }

  /** Forgets entries applied before `before` (clock ms). */
  forgetOlder(before: number): void {
    for (const [node, entries] of this.#byNode) {
      for (const [msg, entry] of entries) if (entry.at < before) entries.delete(msg);
      if (entries.size === 0) this.#byNode.delete(node);
    }
  }
}
