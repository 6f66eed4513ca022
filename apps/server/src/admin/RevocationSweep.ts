import type { Revocation } from '../auth/revocation.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { LinkStore } from '../storage/Catalog.js';
import type { Evictions } from './Evictions.js';

/**
 * How far back each sweep reads, beyond its previous one: revocation times come from the
 * clock of the node that stored them, which may run behind this one.
 */
const CLOCK_SKEW_MS = 60_000;

/**
 * In a cluster, re-reads the revocations stored recently and removes this node's sockets they
 * revoke. A revocation's push rides on Redis and is lost if Redis is down at that moment; joins
 * are refused regardless (storage is read on every join), and this sweep bounds how long a
 * socket that joined before could stay on the board: one `intervalMs`.
 */
export class RevocationSweep {
  #timer: NodeJS.Timeout | null = null;
  #since = 0;
  #running = false;

  constructor(
    private readonly deps: {
      links: LinkStore;
      evictions: Evictions;
      clock: Clock;
      logger: Logger;
      intervalMs: number;
    },
  ) {}

  start(): void {
    if (this.#timer) return;
    // Sockets that join from now on read their link's state when they join.
    this.#since = this.deps.clock.now() - CLOCK_SKEW_MS;
    this.#timer = setInterval(() => void this.sweep(), this.deps.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One sweep (the timer's; tests may call it). */
  async sweep(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    const started = this.deps.clock.now();
    try {
      const recent = await this.deps.links.revokedSince(this.#since);
      const byScope = new Map<string, Revocation>();
      const of = (scope: string) => {
        let revocation = byScope.get(scope);
        if (!revocation) {
          revocation = { scope, linkIds: [], revokedBefore: null };
          byScope.set(scope, revocation);
        }
        return revocation;
      };
      for (const { scope, id } of recent.links) of(scope).linkIds.push(id);
      for (const { scope, revokedBefore } of recent.scopes) of(scope).revokedBefore = revokedBefore;
      for (const revocation of byScope.values()) this.deps.evictions.links(revocation);
      this.#since = started - CLOCK_SKEW_MS;
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'revocation sweep failed; retrying at the next one');
    } finally {
      this.#running = false;
    }
  }
}
