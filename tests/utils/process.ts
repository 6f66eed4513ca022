/**
 * The real server as a child process (`node --import tsx apps/server/src/main.ts`, or the built
 * bundle, with the V8 flags `pnpm start` gives it), for tests that need what only a process has:
 * SIGKILL, SIGTERM, exit codes, a restart on the same port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../../apps/server/src/nodeFlags.js';

/** The monorepo root, two levels above this file (tests/utils). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedServer {
  child: ChildProcess;
  pid: number;
  port: number;
  url: string;
  /** Resolves once the process has exited and its output is closed. */
  exited: Promise<ExitInfo>;
  /** Every stdout line so far (pino JSON); keeps growing after startup. */
  logs: string[];
  /** Every stderr line so far. */
  stderr: string[];
  /** Sends `signal` (default SIGTERM) unless the process is gone; resolves with its exit. */
  kill(signal?: NodeJS.Signals): Promise<ExitInfo>;
}

export interface SpawnServerOptions {
  dataDir: string;
  /** Default 0: any free port. */
  port?: number;
  /** Extra environment (e.g. IDLE_UNLOAD_MS, COMPACT_EVERY, MAX_* limits). */
  env?: Record<string, string>;
  /** Deadline for the listening line; the child is killed past it. Default 20 s. */
  startTimeoutMs?: number;
  /** Run the bundle (`apps/server/dist/main.js`, as `pnpm start` does); the caller builds it. */
  bundle?: boolean;
}

const LISTENING = 'Drawbridge listening on';

/** Children not yet known to have exited. */
const running = new Set<ChildProcess>();
const exits = new WeakMap<ChildProcess, Promise<ExitInfo>>();

// Last resort when the test process exits without `killAllServers` (crash, Ctrl-C, bail).
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Spawns the server and resolves once it logged its listening line. */
export function spawnServer(options: SpawnServerOptions): Promise<SpawnedServer> {
  const requestedPort = options.port ?? 0;
  const entry = options.bundle
    ? ['apps/server/dist/main.js']
    : ['--import', 'tsx', 'apps/server/src/main.ts'];
  const args = [...SERVER_NODE_FLAGS, ...entry];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(requestedPort),
      HOST: '127.0.0.1',
      DATA_DIR: options.dataDir,
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const logs: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<ExitInfo>((resolve) => {
    // 'close' rather than 'exit': by then every line of stdout and stderr has been read.
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  exits.set(child, exited);
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const describe = () =>
    `server (pid ${child.pid}, PORT=${requestedPort}, DATA_DIR=${options.dataDir})` +
    `\n--- stdout ---\n${logs.join('\n')}\n--- stderr ---\n${stderr.join('\n')}`;

  return new Promise<SpawnedServer>((resolve, reject) => {
    let started = false;
    const startTimeoutMs = options.startTimeoutMs ?? 20_000;
    const deadline = setTimeout(() => {
      if (started) return;
      child.kill('SIGKILL');
      void exited.then(() =>
        reject(new Error(`no listening line within ${startTimeoutMs} ms from ${describe()}`)),
      );
    }, startTimeoutMs);
    child.once('error', (error) => {
      if (started) return;
      clearTimeout(deadline);
      reject(new Error(`could not spawn ${describe()}: ${error.message}`, { cause: error }));
    });
    void exited.then(({ code, signal }) => {
      if (started) return;
      clearTimeout(deadline);
      const hint = stderr.some((line) => line.includes('EADDRINUSE'))
        ? `\nport ${requestedPort} is already taken by another process`
        : '';
      reject(
        new Error(`exited (code ${code}, signal ${signal}) before listening: ${describe()}${hint}`),
      );
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      if (started || !line.includes(LISTENING)) return;
      let port: unknown;
      try {
        port = (JSON.parse(line) as { port?: unknown }).port;
      } catch {
        port = undefined;
      }
      if (typeof port !== 'number') return;
      started = true;
      clearTimeout(deadline);
      resolve({
        child,
        pid: child.pid!,
        port,
        url: `http://127.0.0.1:${port}`,
        exited,
        logs,
        stderr,
        kill(signal: NodeJS.Signals = 'SIGTERM') {
          if (running.has(child)) child.kill(signal);
          return exited;
        },
      });
    });
  });
}

/** SIGKILLs every spawned server still running and waits for them to exit. For afterEach. */
export async function killAllServers(): Promise<void> {
  const children = [...running];
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map((child) => exits.get(child)));
}
