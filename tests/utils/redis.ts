/**
 * A private `redis-server` for one test file: a free port of 127.0.0.1, no persistence (RDB and
 * AOF off, so a restart comes back empty, as a Redis that lost its memory does), stopped by its
 * own PID. `restart()` brings it back on the same port, as an outage test needs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Daemon, type ExitInfo, freePort, startDaemon, waitUntilReady } from './daemon.js';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** PID of the running server; undefined while stopped. */
  readonly pid: number | undefined;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL); resolves once the server has exited. */
  kill(signal?: NodeJS.Signals): Promise<ExitInfo>;
  /** SIGSTOP: a hung server (connections stay open, nothing is answered). */
  pause(): void;
  /** SIGCONT: the paused server carries on. */
  resume(): void;
  /** Stops the server if it runs, then starts an empty one on the same port. */
  restart(): Promise<void>;
  /** Stops the server and removes its temp dir. Safe to call twice. */
  destroy(): Promise<void>;
  /** Sends one command (`CONFIG SET ...`) and resolves with its one-line answer (`+OK`). */
  command(...args: string[]): Promise<string>;
  /** The running server's log lines so far (its log goes to stdout). */
  readonly output: readonly string[];
}

export interface StartRedisOptions {
  /** Extra `--name value` arguments. */
  args?: string[];
  /** Default `redis-server` on PATH. */
  binary?: string;
}

/** Sends `args` as one RESP command; resolves with the first line of the answer. */
function sendCommand(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error(`redis on port ${port} did not answer ${args[0]}`));
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      const parts = args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
      socket.write(`*${args.length}\r\n${parts.join('')}`);
    });
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      const end = answer.indexOf('\r\n');
      if (end < 0) return;
      socket.destroy();
      resolve(answer.slice(0, end));
    });
  });
}

/** True once the server answers PING with PONG (not -LOADING or a refused connection). */
function pingRedis(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drawbridge-redis-'));
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    ...(options.args ?? []),
  ];
  let daemon: Daemon | undefined;
  let destroyed = false;

  const start = async () => {
    daemon = startDaemon(options.binary ?? 'redis-server', args);
    await waitUntilReady(daemon, `redis-server on port ${port}`, () => pingRedis(port));
  };
  const stop = async () => {
    const current = daemon;
    if (current === undefined || !current.running) return;
    const timer = setTimeout(() => current.signal('SIGKILL'), 10_000);
    current.signal('SIGCONT');
    current.signal('SIGTERM');
    await current.exited;
    clearTimeout(timer);
  };
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    await stop();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await start();
  } catch (error) {
    await destroy();
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return daemon?.running ? daemon.pid : undefined;
    },
    stop,
    async kill(signal = 'SIGKILL') {
      const current = daemon;
      if (current === undefined || !current.running) return { code: null, signal: null };
      current.signal(signal);
      return current.exited;
    },
    pause: () => daemon?.signal('SIGSTOP'),
    resume: () => daemon?.signal('SIGCONT'),
    async restart() {
      await stop();
      await start();
    },
    destroy,
    command: (...commandArgs) => sendCommand(port, commandArgs),
    get output() {
      return daemon?.output ?? [];
    },
  };
}
