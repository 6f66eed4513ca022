/**
 * What the private PostgreSQL and Redis servers of the tests share: a free port, a child process
 * owned by the test (stopped by its own PID, never by name), readiness polled with a deadline,
 * and a last-resort kill when the test process exits without cleaning up.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import net from 'node:net';

/** A port nobody listens on right now (the kernel's choice for port 0 on 127.0.0.1). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Daemon {
  child: ChildProcess;
  pid: number;
  /** Resolves once the process has exited. */
  exited: Promise<ExitInfo>;
  /** Every output line so far, stdout and stderr interleaved, for error messages. */
  output: string[];
  /** True until the process has exited. */
  readonly running: boolean;
  /** Sends `signal` to the process (and, with `group`, its children) unless it is gone. */
  signal(signal: NodeJS.Signals, group?: boolean): Promise<ExitInfo>;
}

/** Processes started here and not yet known to have exited. */
const running = new Set<ChildProcess>();

// Last resort when the test process exits without stopping them (crash, bail, Ctrl-C): a
// leftover server would hold its port and temp dir forever. Killed by their own process group.
process.on('exit', () => {
  for (const child of running) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/**
 * Starts `command` in a process group of its own, so that a SIGKILL can also reach the children
 * it forked (PostgreSQL's backends would otherwise keep its shared memory and port).
 */
export function startDaemon(command: string, args: string[], options: SpawnOptions = {}): Daemon {
  const child = spawn(command, args, {
    ...options,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    output.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line.length > 0),
    );
    // Bounded: a chatty server must not grow the test's memory without end.
    if (output.length > 500) output.splice(0, output.length - 500);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  running.add(child);
  let alive = true;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (error) => {
      output.push(`spawn error: ${error.message}`);
    });
    child.once('close', (code, signal) => {
      alive = false;
      running.delete(child);
      resolve({ code, signal });
    });
  });
  if (child.pid === undefined) {
    throw new Error(`could not start ${command}: no pid (is it installed?)`);
  }
  const pid = child.pid;
  return {
    child,
    pid,
    exited,
    output,
    get running() {
      return alive;
    },
    signal(signal, group = false) {
      if (alive) {
        try {
          process.kill(group ? -pid : pid, signal);
        } catch {
          // Exited between the check and the kill.
        }
      }
      return exited;
    },
  };
}

/**
 * Calls `probe` until it resolves true, failing past `timeoutMs` or as soon as the daemon exits.
 * The pause between probes only paces the polling; readiness is what ends the wait.
 */
export async function waitUntilReady(
  daemon: Daemon,
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!daemon.running) {
      throw new Error(`${what} exited before it was ready:\n${daemon.output.join('\n')}`);
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      await daemon.signal('SIGKILL', true);
      throw new Error(`${what} not ready within ${timeoutMs} ms:\n${daemon.output.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs a command to completion; resolves with its stdout, rejects with its stderr. */
export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', (error) =>
      reject(new Error(`${command}: ${error.message}`, { cause: error })),
    );
    child.once('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? code}): ${stderr}`));
    });
  });
}
