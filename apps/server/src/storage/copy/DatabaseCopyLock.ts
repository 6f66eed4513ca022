import pg from 'pg';
import { PROBE_PEER_SQL } from '../postgres/connection.js';
import { COPY_KEY, DEPLOYMENT_KEY } from '../postgres/DeploymentLock.js';
import { CopyError } from './CopyError.js';

/**
 * A copy's hold on its PostgreSQL side, source or target, for the whole copy: the deployment's
 * advisory lock (`DeploymentLock`), alone, on a connection of its own. Nodes running on the
 * database hold that lock, so the copy refuses to start while they run (a source they go on
 * writing to would be copied without their later edits; a target would be filled under them);
 * a node starting during the copy finds it taken and refuses to start, named as a copy by the
 * copy's own key, taken first. PostgreSQL frees both when the session ends, however the copy
 * ends.
 */
export class DatabaseCopyLock {
  readonly #client: pg.Client;

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  /** Takes the lock, or throws a `CopyError` saying who holds it. */
  static async take(url: string): Promise<DatabaseCopyLock> {
    const client = new pg.Client({
      connectionString: url,
      application_name: 'drawbridge-copy-lock',
      connectionTimeoutMillis: 10_000,
    });
    client.on('error', () => undefined);
    await client.connect();
    await client.query(PROBE_PEER_SQL).catch(() => undefined);
    const lock = new DatabaseCopyLock(client);
    try {
      const copying = await lock.#try(COPY_KEY);
      if (!copying) throw new CopyError('the database is being copied by another copy-storage');
      if (!(await lock.#try(DEPLOYMENT_KEY))) {
        throw new CopyError(
          'the database is in use by running Drawbridge nodes: stop them first (every node on this DATABASE_URL), then copy',
        );
      }
      return lock;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  async release(): Promise<void> {
    await this.#client.end().catch(() => undefined);
  }

  async #try(key: readonly [number, number]): Promise<boolean> {
    const { rows } = await this.#client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1, $2) AS locked',
      [...key],
    );
    return rows[0]?.locked === true;
  }
}
