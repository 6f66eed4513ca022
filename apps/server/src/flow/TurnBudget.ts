/**
 * A budget of work per event-loop turn, shared by everyone who does that kind of work: once a
 * turn has used its budget, the next taker waits for a later turn (first come, first served).
 * Used for large join answers: fifty joiners of a 2 MB board would otherwise encode and write
 * 100 MB in one turn and hold every other board for a few hundred milliseconds.
 */
export class TurnBudget {
  #used = 0;
  #waiting: { amount: number; go: () => void }[] = [];
  #scheduled = false;

  constructor(private readonly perTurn: number) {}

  /** Resolves when `amount` may be spent (at once if this turn still has budget). */
  take(amount: number): Promise<void> {
    if (this.#waiting.length === 0 && (this.#used === 0 || this.#used + amount <= this.perTurn)) {
      this.#spend(amount);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.#waiting.push({
        amount,
        go: () => {
          this.#spend(amount);
          resolve();
        },
      });
      this.#schedule();
    });
  }

  #spend(amount: number): void {
    this.#used += amount;
    this.#schedule();
  }

  /** At the next turn: a fresh budget, handed to the waiters in order. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#used = 0;
      while (this.#waiting.length > 0) {
        const next = this.#waiting[0]!;
        // Always let one through per turn, however large.
        if (this.#used > 0 && this.#used + next.amount > this.perTurn) break;
        this.#waiting.shift();
        next.go();
      }
      if (this.#waiting.length > 0 || this.#used > 0) this.#schedule();
    });
  }
}
