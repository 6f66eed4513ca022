import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/** Another live process holds this node's `NODE_ID`. */
export class NodeIdInUseError extends Error {
  override readonly name = 'NodeIdInUseError';

  constructor(readonly nodeId: string) {
    super(
      `NODE_ID ${nodeId} is in use by another live node of this cluster. Two nodes with one NODE_ID take each other's messages for their own and drop them: their members would see each other's edits seconds late and never each other's cursors. Give every node its own NODE_ID, or leave it unset (each node then picks a random one).`,
    );
  }
}

export interface NodeIdClaimOptions {
  nodeId: string;
  logger: Logger;
  /** How long a claim lasts unless renewed: a dead holder's claim lapses after this. */
  ttlMs?: number;
  /** How often the holder renews it. */
  renewMs?: number;
  /** The claim was lost to another process (true) or regained (false). */
  onLost?: (lost: boolean) => void;
}

const TTL_MS = 3000;
const RENEW_MS = 1000;
/** How long `acquire` waits for Redis to answer before leaving the claim to the renewals. */
const CONNECT_WAIT_MS = 2000;
/** Conflicts are logged at most this often. */
const LOG_EVERY_MS = 60_000;

/** Sets the claim to this process when it is free or already its own: 1, else 0. */
const CLAIM = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

/** Deletes the claim if it is this process's. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * One live process per node id. The bus drops every message that names this node as its
 * sender (its own publishes come back to it), so a second process under the same `NODE_ID`
 * would drop all of the first one's, and the other nodes would take the two for one node
 * restarting every second. A node claims its id in Redis at start (a key with a short expiry,
 * renewed every second), waits for a claim left by a dead process to lapse, and refuses to start
 * while a live process renews it. A claim lost later (a twin that started while Redis was down)
 * is logged and reported (`lost`), and the node stops passing its readiness check.
 */
export class NodeIdClaim {
  readonly #redis: Redis;
  readonly #options: NodeIdClaimOptions;
  readonly #key: string;
  readonly #token = randomBytes(8).toString('hex');
  readonly #ttlMs: number;
  readonly #renewMs: number;
  #timer: NodeJS.Timeout | null = null;
  #lost = false;
  #loggedAt = Number.NEGATIVE_INFINITY;

  constructor(redis: Redis, options: NodeIdClaimOptions) {
    this.#redis = redis;
    this.#options = options;
    this.#key = `drawbridge:node-id:{${options.nodeId}}`;
    this.#ttlMs = options.ttlMs ?? TTL_MS;
    this.#renewMs = options.renewMs ?? RENEW_MS;
  }

  /** True while another process holds this node's id. */
  get lost(): boolean {
    return this.#lost;
  }

  /**
   * Claims the id, waiting up to the claim's lifetime for one left by a dead process to lapse;
   * throws `NodeIdInUseError` while a live one renews it. With Redis out of reach the node
   * starts, and the renewals claim the id once Redis answers. Then renews it until `release`.
   */
  async acquire(): Promise<void> {
    if (await this.#reachable()) {
      const deadline = Date.now() + this.#ttlMs + this.#renewMs;
      for (;;) {
        const claimed = await this.#claim().catch(() => null);
        if (claimed !== false) break; // claimed, or Redis failed: the renewals go on with it
        if (Date.now() > deadline) throw new NodeIdInUseError(this.#options.nodeId);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } else {
      this.#options.logger.warn(
        { node: this.#options.nodeId },
        'redis did not answer: NODE_ID is claimed once it does',
      );
    }
    this.#timer = setInterval(() => void this.#renew(), this.#renewMs);
    this.#timer.unref();
  }

  /** Stops renewing and frees the id, so the node restarted under it starts at once. */
  async release(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#redis.status !== 'ready') return;
    await this.#redis.eval(RELEASE, 1, this.#key, this.#token).catch(() => undefined);
  }

  async #reachable(): Promise<boolean> {
    if (this.#redis.status === 'ready') return true;
    const ready = once(this.#redis, 'ready').then(
      () => true,
      () => false, // a connection error: Redis is down
    );
    const late = new Promise<false>((resolve) => setTimeout(resolve, CONNECT_WAIT_MS, false));
    return Promise.race([ready, late]);
  }

  async #claim(): Promise<boolean> {
    const answer = await this.#redis.eval(CLAIM, 1, this.#key, this.#token, String(this.#ttlMs));
    return answer === 1;
  }

  async #renew(): Promise<void> {
    if (this.#redis.status !== 'ready') return;
    const claimed = await this.#claim().catch(() => null);
    if (claimed === null || claimed !== this.#lost) return;
    this.#lost = !claimed;
    this.#options.onLost?.(this.#lost);
    const { logger, nodeId } = this.#options;
    if (claimed) {
      logger.info({ node: nodeId }, 'NODE_ID claimed again: no other live node uses it');
    } else if (Date.now() - this.#loggedAt >= LOG_EVERY_MS) {
      this.#loggedAt = Date.now();
      logger.error({ node: nodeId }, new NodeIdInUseError(nodeId).message);
    }
  }
}
