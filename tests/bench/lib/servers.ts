/**
 * The servers the bench compares, each started as its own process on 127.0.0.1 (port 0 unless
 * a restart needs the same port), stopped by its own PID. CPU time and memory are read from
 * /proc/<pid>, the same way for every server.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../../../apps/server/src/nodeFlags.js';
import { TICKS_PER_SECOND } from './machineCpu.js';

export const SERVER_KINDS = ['drawbridge', 'ws', 'socketio', 'hocuspocus', 'y-websocket'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

export const SERVER_LABELS: Record<ServerKind, string> = {
  drawbridge: 'Drawbridge',
  ws: 'raw ws relay',
  socketio: 'Socket.IO + msgpack relay',
  hocuspocus: 'Hocuspocus',
  'y-websocket': 'y-websocket',
};

/** What a report column can be: a server, or a peer editor of the rendering scenario. */
export const SUBJECTS = [...SERVER_KINDS, 'excalidraw', 'tldraw'] as const;
export type Subject = (typeof SUBJECTS)[number];

export const SUBJECT_LABELS: Record<Subject, string> = {
  ...SERVER_LABELS,
  excalidraw: 'Excalidraw',
  tldraw: 'tldraw',
};

/** Servers that hold Yjs documents (the others only forward bytes). */
export const YJS_SERVERS: readonly ServerKind[] = ['drawbridge', 'hocuspocus', 'y-websocket'];

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const peersDir = fileURLToPath(new URL('../peers/', import.meta.url));

const PEER_SCRIPTS: Record<Exclude<ServerKind, 'drawbridge'>, string> = {
  ws: 'servers/ws-relay.mjs',
  socketio: 'servers/socketio-relay.mjs',
  hocuspocus: 'servers/hocuspocus.mjs',
  'y-websocket': 'servers/y-websocket.mjs',
};

export interface StartOptions {
  /** Default: a fresh temp dir, removed by `destroy`. */
  dataDir?: string;
  port?: number;
  /** Extra environment, e.g. Drawbridge's limits. */
  env?: Record<string, string>;
}

export interface ServerProcess {
  kind: ServerKind;
  pid: number;
  port: number;
  /** http://127.0.0.1:port */
  url: string;
  /** ws://127.0.0.1:port */
  wsUrl: string;
  dataDir: string;
  /** When the process printed that it listens (performance.now() of this process). */
  readyAt: number;
  /** User + system CPU seconds of the process so far. */
  cpuSeconds(): number;
  /** Resident set size in bytes. */
  rssBytes(): number;
  /** Sends a signal (SIGTERM by default) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Kills (SIGKILL if SIGTERM is not enough within 5 s) and removes an owned data dir. */
  destroy(): Promise<void>;
  /** Its output so far, for error messages. */
  output(): string;
}

const running = new Set<ChildProcess>();

/** Servers that exited while the bench still used them (not by its `kill`), for the failure. */
export const unexpectedExits: string[] = [];
// Last resort: never leave a server behind, whatever way the bench exits.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function rssBytesOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

const DRAWBRIDGE_LISTENING = /Drawbridge listening on http:\/\/[^:]+:(\d+)/;
const PEER_LISTENING = /^LISTENING (\d+)$/;

let built = false;

/**
 * Drawbridge runs as users run it (`pnpm start`): the esbuild bundle with its worker threads,
 * with its V8 flags (`SERVER_NODE_FLAGS`), built once per bench run from the current sources.
 */
function buildDrawbridge(): void {
  if (built) return;
  execFileSync(process.execPath, ['build.mjs'], {
    cwd: path.join(repoRoot, 'apps/server'),
    stdio: 'inherit',
  });
  built = true;
}

const serverLog = process.env.BENCH_SERVER_LOG;

/** BENCH_DRAWBRIDGE_NODE_ARGS: extra Node flags for Drawbridge (space-separated), to try a flag. */
function nodeArgs(): string[] {
  return (process.env.BENCH_DRAWBRIDGE_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
}

export function startServer(kind: ServerKind, options: StartOptions = {}): Promise<ServerProcess> {
  if (kind === 'drawbridge') buildDrawbridge();
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), `bench-${kind}-`));
  const env = {
    ...process.env,
    PORT: String(options.port ?? 0),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ...options.env,
  };
  // BENCH_CPU_PROF_DIR: every server writes a V8 CPU profile there when it exits.
  const profile = process.env.BENCH_CPU_PROF_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF_DIR)}`]
    : [];
  const child =
    kind === 'drawbridge'
      ? spawn(
          process.execPath,
          [...profile, ...SERVER_NODE_FLAGS, ...nodeArgs(), 'apps/server/dist/main.js'],
          {
            cwd: repoRoot,
            env: { LOG_LEVEL: 'info', ...env },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        )
      : spawn(process.execPath, [...profile, PEER_SCRIPTS[kind]], {
          cwd: peersDir,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  running.add(child);
  const lines: string[] = [];
  let killing = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (!killing) {
        unexpectedExits.push(
          `${kind} (pid ${child.pid}) exited by itself (code ${code}, signal ${signal}):\n` +
            lines.slice(-20).join('\n'),
        );
      }
      resolve();
    }),
  );
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(`stderr: ${line}`));
  return new Promise((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => {
      killing = true;
      child.kill('SIGKILL');
      reject(new Error(`${kind} did not start within 30 s:\n${lines.join('\n')}`));
    }, 30_000);
    void exited.then(() => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`${kind} exited before listening:\n${lines.join('\n')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      // BENCH_SERVER_LOG: every server's output lines appended to this file (say, with
      // BENCH_DRAWBRIDGE_NODE_ARGS=--trace-gc), each after its server and pid.
      if (serverLog) appendFileSync(serverLog, `${kind} ${child.pid} ${line}\n`);
      if (lines.length < 200) lines.push(line);
      if (ready) return;
      const match = (kind === 'drawbridge' ? DRAWBRIDGE_LISTENING : PEER_LISTENING).exec(line);
      if (!match) return;
      ready = true;
      clearTimeout(timer);
      const port = Number(match[1]);
      const pid = child.pid!;
      const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
        killing = true;
        if (running.has(child)) child.kill(signal);
        await exited;
      };
      resolve({
        kind,
        pid,
        port,
        url: `http://127.0.0.1:${port}`,
        wsUrl: `ws://127.0.0.1:${port}`,
        dataDir,
        readyAt: performance.now(),
        cpuSeconds: () => cpuSecondsOf(pid),
        rssBytes: () => rssBytesOf(pid),
        kill,
        async destroy() {
          const force = setTimeout(() => child.kill('SIGKILL'), 5000);
          await kill('SIGTERM');
          clearTimeout(force);
          if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
        },
        output: () => lines.join('\n'),
      });
    });
  });
}

/** Environment for a Drawbridge measured as a relay: no per-socket rate limit in the way. */
export const UNLIMITED_RATE = { MAX_MESSAGES_PER_SECOND: '1000000000' };
