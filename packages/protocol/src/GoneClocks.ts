/**
 * How long the clock of an awareness client id that left is kept: far longer than any message of
 * it may be late, or its own renewal (every 15 s) takes to show it again if it comes back at that
 * clock.
 */
export const FORGET_GONE_MS = 10 * 60_000;
/** How often, at most, `GoneClocks.sweep` looks for clocks to forget. */
export const SWEEP_EVERY_MS = 60_000;

/** The part of a y-protocols `Awareness` whose clocks are kept (no dependency on it here). */
export interface AwarenessClocks {
  readonly clientID: number;
  readonly meta: Map<number, { lastUpdated: number }>;
  readonly states: Map<number, unknown>;
}

/**
 * y-protocols keeps a clock for every awareness client id it ever saw (its `meta`), and walks
 * them all every 3 s: on a board that stays open for weeks, on the server or in a tab, one for
 * every client that ever came by. This forgets the clocks of ids without a state for
 * `FORGET_GONE_MS`, looking at most every `SWEEP_EVERY_MS`. One that comes back later is taken
 * as new; a peer that still holds its old clock shows it from its next renewal.
 */
export class GoneClocks {
  #next = 0;

  /** `keep`: ids whose clock must stay though they have no state (the owner's own rules). */
  constructor(
    private readonly awareness: AwarenessClocks,
    private readonly keep: (clientId: number) => boolean = () => false,
  ) {}

  /** Forgets the clocks gone long enough, if it is time to look: returns their ids. */
  sweep(now = Date.now()): number[] {
    if (now < this.#next) return [];
    this.#next = now + SWEEP_EVERY_MS;
    const { clientID: own, meta, states } = this.awareness;
    const forgotten: number[] = [];
    for (const [id, { lastUpdated }] of meta) {
      if (id === own || states.has(id) || now - lastUpdated < FORGET_GONE_MS) continue;
      if (this.keep(id)) continue;
      meta.delete(id);
      forgotten.push(id);
    }
    return forgotten;
  }
}
