/**
 * A batch carrying this many updates marks its board busy (a burst, a paste, a resync). High
 * enough that steady editing never keeps a board held: with a 16 ms hold, a board stays busy
 * only above 2,000 updates/s (32 per hold), while at 500 updates/s a hold gathers 8. With 8
 * here, a board edited at 1,000 updates/s (16 per hold) stayed held for good after one burst,
 * every relay up to 16 ms late.
 */
export const BUSY_UPDATES = 32;

/**
 * The pace of a busy board's output, like a screen's frames: after a batch of `BUSY_UPDATES` or
 * more went out, the next one waits until `holdMs` after it and gathers what arrives meanwhile.
 * Paced editing (a stroke's few updates per batch) never waits. Used by the board's relay to
 * its members here (`Outbox`) and by its messages to the other nodes (`BoardReplica`).
 */
export class BusyHold {
  /** Until when the next batch waits; 0 when the board is not busy. */
  #until = 0;
  #timer: NodeJS.Timeout | null = null;

  /** `holdMs` 0: never hold. */
  constructor(private readonly holdMs: number) {}

  /** A batch of `updates` updates goes out now; a held send still waiting is dropped. */
  sent(updates: number): void {
    this.cancel();
    this.#until = this.holdMs > 0 && updates >= BUSY_UPDATES ? performance.now() + this.holdMs : 0;
  }

  /** Runs `send` once the hold ends and returns true; false (nothing scheduled) when not held. */
  defer(send: () => void): boolean {
    const wait = this.#until - performance.now();
    if (wait <= 0) return false;
    this.cancel();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      send();
    }, wait);
    return true;
  }

  /** Drops the held send, if any. */
  cancel(): void {
    if (this.#timer === null) return;
    clearTimeout(this.#timer);
    this.#timer = null;
  }
}
