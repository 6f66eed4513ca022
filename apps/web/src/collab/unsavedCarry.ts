/**
 * Unsaved changes across reloads. The provider counts only this session's edits; edits made
 * offline before a reload live in IndexedDB but the provider cannot tell them from the
 * server's data. So the last shown count is remembered per board and added to the session's
 * own until the first successful join sends everything the server lacks.
 */
export class UnsavedCarry {
  readonly #storage: Storage | null;
  readonly #key: string;
  #carried: number;

  constructor(boardId: string, storage: Storage | null) {
    this.#storage = storage;
    this.#key = `drawbridge:unsaved:${boardId}`;
    const stored = Number.parseInt(this.#read() ?? '', 10);
    this.#carried = Number.isFinite(stored) && stored > 0 ? stored : 0;
  }

  /** The count to show, given the provider's own. Remembered for the next load. */
  displayed(sessionUnsaved: number): number {
    const count = this.#carried + sessionUnsaved;
    this.#write(count);
    return count;
  }

  /** The first join succeeded: the server now has every earlier change. */
  joined(): void {
    this.#carried = 0;
  }

  #read(): string | null {
    try {
      return this.#storage?.getItem(this.#key) ?? null;
    } catch {
      return null;
    }
  }

  #write(count: number): void {
    try {
      if (count > 0) this.#storage?.setItem(this.#key, String(count));
      else this.#storage?.removeItem(this.#key);
    } catch {
      // Storage full or disabled: the count is a hint, not data.
    }
  }
}
