import type pg from 'pg';

/**
 * Run on every session a node (or a copy) opens: PostgreSQL probes its peer after 10 s of
 * silence, then every 5 s, and ends it after 3 unanswered probes. A process that ends, however it
 * ends, closes its connections, and PostgreSQL rolls back what they had open and frees their
 * locks at once; but a process on a host that vanished (power lost, a network cut) never does,
 * and by the system's defaults PostgreSQL would notice only after two hours: meanwhile a
 * transaction it had open would keep its board's row locked (every other node's appends to that
 * board waiting), and its deployment lock would keep a lone node, or a copy, from starting. (A
 * hung process on a live host still answers the probes, through its kernel.) Set once connected,
 * not as a startup option, which a PgBouncer in front of PostgreSQL refuses by default.
 */
export const PROBE_PEER_SQL =
  'SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3';

/** Sets `PROBE_PEER_SQL` on each connection `pool` makes, before its first query. */
export function probePeers(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    client.query(PROBE_PEER_SQL).catch(() => undefined);
  });
}

/** Why a PostgreSQL call failed, in the terms a caller acts on. */
export const PostgresErrorCode = {
  /** The server cannot be reached or cut the connection: retry later, nothing was acked. */
  Unavailable: 'postgres-unavailable',
  /** Two transactions collided (deadlock, serialization): retrying the same work succeeds. */
  Conflict: 'postgres-conflict',
  /** Anything else: a bug, a full disk, a schema that does not match. */
  Failed: 'postgres-failed',
} as const;
export type PostgresErrorCode = (typeof PostgresErrorCode)[keyof typeof PostgresErrorCode];

export class PostgresStorageError extends Error {
  override readonly name = 'PostgresStorageError';
  readonly retryable: boolean;

  constructor(
    readonly code: PostgresErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.retryable = code !== PostgresErrorCode.Failed;
  }
}

/** Node socket errors and PostgreSQL SQLSTATEs that mean "the server is not there right now". */
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is stopping
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error/i;
const CONFLICT_SQLSTATES = new Set(['40001', '40P01']);

export function classify(error: unknown): PostgresErrorCode {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (CONFLICT_SQLSTATES.has(code)) return PostgresErrorCode.Conflict;
    // Class 08: connection exceptions.
    if (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_ERRNOS.has(code) || code.startsWith('08')) {
      return PostgresErrorCode.Unavailable;
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  // node-postgres reports a socket that closed under a query, a connect that timed out and a
  // query that got no answer in time only in words.
  if (UNAVAILABLE_MESSAGES.test(message)) {
    return PostgresErrorCode.Unavailable;
  }
  return PostgresErrorCode.Failed;
}

/** `error` as a `PostgresStorageError` saying what was being done. */
export function storageError(doing: string, error: unknown): PostgresStorageError {
  if (error instanceof PostgresStorageError) return error;
  const code = classify(error);
  const detail = error instanceof Error ? error.message : String(error);
  const prefix =
    code === PostgresErrorCode.Unavailable ? 'PostgreSQL unavailable' : 'PostgreSQL error';
  return new PostgresStorageError(code, `${prefix} while ${doing}: ${detail}`, { cause: error });
}

/**
 * Runs `work` on one pooled connection. A connection that failed is destroyed, not returned:
 * it may be dead, or inside a transaction we could not roll back. While we hold it, a socket
 * error between queries is caught here (the pool listens only to idle connections, and an
 * unheard 'error' event would crash the process).
 */
export async function withClient<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let failure: Error | undefined;
  const onError = (error: Error) => {
    failure = error;
  };
  client.on('error', onError);
  try {
    const result = await work(client);
    client.off('error', onError);
    client.release(failure);
    return result;
  } catch (error) {
    client.off('error', onError);
    client.release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

/** Runs `work` inside BEGIN/COMMIT on one connection; rolls back (or drops the connection) on error. */
export function transaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/**
 * Runs `work` holding the advisory lock `lock` on `client`: tried, never waited for; `busy`
 * answers instead when another session holds it. The lock is released on every path; if the
 * release fails, the error propagates and the connection is destroyed, which also unlocks.
 */
export async function withTryLock<T>(
  client: pg.PoolClient,
  lock: readonly [number, number],
  work: () => Promise<T>,
  busy: () => T | Promise<T>,
): Promise<T> {
  const { rows } = await client.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_lock($1, $2) AS locked',
    [...lock],
  );
  if (!rows[0]!.locked) return busy();
  try {
    return await work();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, $2)', [...lock]);
  }
}
