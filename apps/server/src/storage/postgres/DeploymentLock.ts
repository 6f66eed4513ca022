import pg from 'pg';
import type { Logger } from '../../logger.js';
import { PROBE_PEER_SQL } from './connection.js';
import { type DatabaseHolder, DatabaseInUseError, type Deployment } from './DatabaseInUseError.js';

/** The deployment's advisory lock key: "draw", 1. `pnpm copy-storage` holds it alone too. */
export const DEPLOYMENT_KEY = [0x64726177, 1] as const;
/** Held by `pnpm copy-storage` for its whole copy (before `DEPLOYMENT_KEY`), to be named. */
export const COPY_KEY = [0x64726177, 2] as const;
const RETRY_MS = 1000;
/** Conflicts found later are logged at most this often. */
const LOG_EVERY_MS = 60_000;

/**
 * Which kind of deployment a database serves, held as a PostgreSQL advisory lock on a connection
 * of its own for the node's life: a cluster's nodes (with `REDIS_URL`) share it, a lone node
 * (without) holds it alone. So a second lone node, or a node that was not given the cluster's
 * `REDIS_URL`, finds it taken and does not start. PostgreSQL frees the lock when the session
 * ends, however the node ends. A connection lost (PostgreSQL restarted) is made again and the
 * lock taken again; if another kind took it meanwhile, the conflict is logged and reported
 * (`assertHeld` throws, for the readiness check) until it is free again. `pnpm copy-storage`
 * holds the lock alone for its whole copy, so no node starts on a database being copied.
 */
export class DeploymentLock {
  readonly #url: string;
  readonly #deployment: Deployment;
  readonly #logger: Logger;
  #client: pg.Client | null = null;
  /** Who holds the lock against this node, or null while it is this node's. */
  #conflict: DatabaseHolder | null = null;
  #closed = false;
  #retry: NodeJS.Timeout | null = null;
  #loggedAt = Number.NEGATIVE_INFINITY;
  /** `take` has returned: conflicts found from now on are logged (its own is thrown). */
  #started = false;

  constructor(url: string, deployment: Deployment, logger: Logger) {
    this.#url = url;
    this.#deployment = deployment;
    this.#logger = logger;
  }

  /**
   * Takes the lock at start: throws `DatabaseInUseError` when nodes of the other kind (or another
   * lone node) hold it. With PostgreSQL out of reach the node starts, and the lock is taken once
   * it answers.
   */
  async take(): Promise<void> {
    const taken = await this.#attempt();
    this.#started = true;
    if (taken !== 'conflict') return;
    const holder = this.#conflict ?? 'nodes';
    await this.release();
    throw new DatabaseInUseError(this.#deployment, holder);
  }

  /** Throws `DatabaseInUseError` while nodes of the other kind hold the lock (readiness). */
  assertHeld(): void {
    if (this.#conflict) throw new DatabaseInUseError(this.#deployment, this.#conflict);
  }

  /** Lets the lock go (the node stops). */
  async release(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  async #attempt(): Promise<'held' | 'conflict' | 'down'> {
    const client = new pg.Client({
      connectionString: this.#url,
      application_name: 'drawbridge-deployment',
      connectionTimeoutMillis: 5000,
      keepAlive: true,
    });
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    let locked: boolean;
    let holder: DatabaseHolder = 'nodes';
    try {
      await client.connect();
      await client.query(PROBE_PEER_SQL).catch(() => undefined);
      const take =
        this.#deployment === 'cluster' ? 'pg_try_advisory_lock_shared' : 'pg_try_advisory_lock';
      const { rows } = await client.query<{ locked: boolean }>(`SELECT ${take}($1, $2) AS locked`, [
        ...DEPLOYMENT_KEY,
      ]);
      locked = rows[0]?.locked === true;
      if (!locked) {
        // A copy holds its own key for as long as it holds the deployment's: name it.
        const copy = await client.query<{ free: boolean }>(
          'SELECT pg_try_advisory_lock_shared($1, $2) AS free',
          [...COPY_KEY],
        );
        if (copy.rows[0]?.free !== true) holder = 'copy';
      }
    } catch {
      await client.end().catch(() => undefined);
      this.#later();
      return 'down';
    }
    if (this.#closed) {
      await client.end().catch(() => undefined); // released meanwhile: let it go
      return 'down';
    }
    if (!locked) {
      await client.end().catch(() => undefined);
      this.#report(holder);
      this.#later();
      return 'conflict';
    }
    this.#client = client;
    this.#report(null);
    return 'held';
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = null;
    this.#later();
  }

  #later(): void {
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      void this.#attempt();
    }, RETRY_MS);
    this.#retry.unref();
  }

  #report(conflict: DatabaseHolder | null): void {
    const was = this.#conflict;
    this.#conflict = conflict;
    if (!conflict && was) this.#logger.info({}, "the database is this deployment's alone again");
    if (conflict && this.#started && Date.now() - this.#loggedAt >= LOG_EVERY_MS) {
      this.#loggedAt = Date.now();
      this.#logger.error({}, new DatabaseInUseError(this.#deployment, conflict).message);
    }
  }
}
