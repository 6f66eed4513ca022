/**
 * A private PostgreSQL server for one test file: `initdb` into a temp dir, `postgres` on a free
 * port of 127.0.0.1 with its unix socket in that dir, fsync on (durability is what the tests
 * check). Stopped by its own PID; `restart()` brings it back on the same port and data dir, as
 * an outage test needs. Needs Debian's `postgresql` package (binaries in
 * /usr/lib/postgresql/<version>/bin; POSTGRES_BIN overrides).
 */
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type Daemon,
  type ExitInfo,
  freePort,
  run,
  startDaemon,
  waitUntilReady,
} from './daemon.js';

export interface PostgresServer {
  /** `postgresql://` URL of the database made for the test (see `createDatabase`). */
  url: string;
  port: number;
  /** The temp dir holding the data dir and the unix socket. */
  dir: string;
  /** PID of the running postmaster; undefined while stopped. */
  readonly pid: number | undefined;
  /** A fresh empty database; resolves with its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL with psql as the superuser; resolves with the unaligned, tuples-only output. */
  psql(sql: string, database?: string): Promise<string>;
  /** Fast shutdown (SIGINT: sessions are cut, a clean checkpoint); the data dir is kept. */
  stop(): Promise<void>;
  /**
   * Sends `signal` (default SIGKILL: a crash) to the postmaster and its backends; resolves once
   * the postmaster has exited. For signals that do not end it, use `pause`/`resume`.
   */
  kill(signal?: NodeJS.Signals): Promise<ExitInfo>;
  /** SIGSTOP to the postmaster and its backends: a hung server (connections open, no answers). */
  pause(): void;
  /** SIGCONT: the paused server carries on. */
  resume(): void;
  /** Stops the server if it runs, then starts it again on the same port and data dir. */
  restart(): Promise<void>;
  /** Stops the server and removes its temp dir. Safe to call twice. */
  destroy(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Name of the database `url` points at (default `drawbridge`). */
  database?: string;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
  /** Where its temp dir (data dir and socket) goes: a small disk, say (default: the OS's). */
  parentDir?: string;
  /** Extra `initdb` arguments (`--wal-segsize=1`, say). */
  initdbArgs?: string[];
}

/** The newest installed PostgreSQL's bin dir. */
export function postgresBinDir(): string {
  if (process.env.POSTGRES_BIN) return process.env.POSTGRES_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((version) => existsSync(path.join(root, version, 'bin', 'postgres')))
        .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      `no PostgreSQL server under ${root}/<version>/bin (apt-get install postgresql)`,
    );
  }
  return path.join(root, versions[0]!, 'bin');
}

/**
 * initdb and postgres refuse to run as root (as the tests do here): run them as the `postgres`
 * OS user. A non-root developer runs them as themself.
 */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error('running as root needs an OS user "postgres" to run the PostgreSQL server');
  }
  return { uid: Number(uid), gid: Number(gid) };
}

const DEFAULT_SETTINGS: Record<string, string> = {
  listen_addresses: '127.0.0.1',
  // Durability is under test: every commit is flushed to disk, as in production.
  fsync: 'on',
  synchronous_commit: 'on',
  // Small, so that several private servers fit on one machine.
  shared_buffers: '16MB',
  max_connections: '100',
  max_wal_size: '256MB',
  log_min_messages: 'warning',
};

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const user = serverUser();
  const dir = mkdtempSync(path.join(options.parentDir ?? os.tmpdir(), 'drawbridge-pg-'));
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'sock');
  mkdirSync(socketDir);
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(socketDir, user.uid, user.gid);
  }
  const asServer = { ...(user ?? {}), env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' } };
  let daemon: Daemon | undefined;
  let destroyed = false;

  try {
    // --no-sync only skips initdb's own final flush (a crash here fails the test anyway); the
    // server itself runs with fsync on.
    await run(
      path.join(bin, 'initdb'),
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '--encoding=UTF8',
        '--no-locale',
        '--no-sync',
        ...(options.initdbArgs ?? []),
      ],
      asServer,
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const port = await freePort();
  const settings = { ...DEFAULT_SETTINGS, ...options.settings, unix_socket_directories: socketDir };
  const args = ['-D', dataDir, '-p', String(port)];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const psqlArgs = (database: string) => [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-U',
    'postgres',
    '-d',
    database,
  ];
  const psql = (sql: string, database = 'postgres') =>
    run(path.join(bin, 'psql'), [
      ...psqlArgs(database),
      '-X',
      '-v',
      'ON_ERROR_STOP=1',
      '-At',
      '-c',
      sql,
    ]);

  const start = async () => {
    daemon = startDaemon(path.join(bin, 'postgres'), args, asServer);
    const isReady = path.join(bin, 'pg_isready');
    await waitUntilReady(daemon, `postgres on port ${port}`, () =>
      run(isReady, [...psqlArgs('postgres'), '-t', '1']).then(() => true),
    );
  };

  const stop = async () => {
    const current = daemon;
    if (current === undefined || !current.running) return;
    // Fast shutdown waits for no client; SIGKILL only if even that hangs.
    const timer = setTimeout(() => current.signal('SIGKILL', true), 20_000);
    // A paused server would never act on SIGINT.
    current.signal('SIGCONT', true);
    current.signal('SIGINT');
    await current.exited;
    clearTimeout(timer);
  };

  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    await stop();
    rmSync(dir, { recursive: true, force: true });
  };

  const database = options.database ?? 'drawbridge';
  const urlOf = (name: string) =>
    `postgresql://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
  try {
    await start();
    await psql(`CREATE DATABASE "${database}"`);
  } catch (error) {
    await destroy();
    throw error;
  }

  return {
    url: urlOf(database),
    port,
    dir,
    get pid() {
      return daemon?.running ? daemon.pid : undefined;
    },
    async createDatabase(name) {
      await psql(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      return urlOf(name);
    },
    psql,
    stop,
    // The postmaster and its backends: backends orphaned by a dead postmaster would keep its
    // shared memory and block a restart, and a paused postmaster alone would still answer.
    async kill(signal = 'SIGKILL') {
      const current = daemon;
      if (current === undefined || !current.running) return { code: null, signal: null };
      current.signal(signal, true);
      return current.exited;
    },
    pause: () => daemon?.signal('SIGSTOP', true),
    resume: () => daemon?.signal('SIGCONT', true),
    async restart() {
      await stop();
      await start();
    },
    destroy,
  };
}
