/**
 * A provider's join on connect (PROTOCOL.md §2.3): whether the CONNECT carried a join, which
 * join awaits its `board:joined`, and the fallback for a server that predates joins on connect
 * and never answers: after the timeout the provider sends `board:join` instead.
 */
export class ConnectJoin {
  #carried = false;
  #awaited: number | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly timeoutMs: number) {}

  /** What the last CONNECT's `auth` held: a join or not. */
  sent(carried: boolean): void {
    this.#carried = carried;
  }

  /** Whether the CONNECT just accepted carried a join. */
  get carried(): boolean {
    return this.#carried;
  }

  /** Join `generation` rode in the CONNECT; `fallback` runs if no answer comes in time. */
  awaitAnswer(generation: number, fallback: () => void): void {
    this.cancel();
    this.#awaited = generation;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#awaited !== generation) return;
      this.#awaited = null;
      fallback();
    }, this.timeoutMs);
  }

  /** A `board:joined` arrived: the join it answers, or null when none was awaited. */
  answered(): number | null {
    const generation = this.#awaited;
    this.cancel();
    return generation;
  }

  /** Disconnected or destroyed: nothing is awaited any more. */
  cancel(): void {
    this.#carried = false;
    this.#awaited = null;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
