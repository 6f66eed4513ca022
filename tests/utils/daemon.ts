/**
 * What the private PostgreSQL and Redis servers of the tests share: a free port, a child process
 * owned by the test (stopped by its own PID, never by name), readiness polled with a deadline,
 * and a last-resort kill when the test process exits without cleaning up.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
  /** Sends `signal` to the process (and, with `tree`, every process below it) unless it is gone. */
  signal(signal: NodeJS.Signals, tree?: boolean): void;
}

/**
 * `pid` and every process below it, parents first, from /proc. A process group is not enough:
 * PostgreSQL's backends each call setsid(), so only their parent links lead to them.
 */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // Exited while we looked.
    }
    // The command name may hold spaces and parentheses: the fields after its last ')' are fixed.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const siblings = children.get(ppid) ?? [];
    siblings.push(Number(entry));
    children.set(ppid, siblings);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** A process: its pid, start time (a reused pid is another process) and command line. */
export interface ProcessId {
  pid: number;
  start: string;
  command: string;
}

/** The state and start time of a process (fields 3 and 22 of /proc/<pid>/stat), if it exists. */
function statOf(pid: number): { state: string; start: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields after its last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, start: fields[19]! };
  } catch {
    return null;
  }
}

export function processId(pid: number): ProcessId | null {
  const stat = statOf(pid);
  if (!stat) return null;
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { pid, start: stat.start, command };
  } catch {
    return null; // Exited while we looked.
  }
}

/** Still running: not gone, not a zombie its new parent has yet to reap, not a reused pid. */
export function isRunning({ pid, start }: ProcessId): boolean {
  const stat = statOf(pid);
  return stat !== null && stat.start === start && stat.state !== 'Z';
}

/** Processes started here and not yet known to have exited. */
const running = new Set<ChildProcess>();

// Last resort when the test process exits without stopping them (crash, bail, Ctrl-C): a
// leftover server would hold its port and temp dir forever. Killed by their own PIDs.
process.on('exit', () => {
  for (const child of running) {
    try {
      for (const pid of processTree(child.pid!)) process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/** Starts `command` in a process group of its own, detached from the test's terminal signals. */
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
    signal(signal, tree = false) {
      if (!alive) return;
      // Parent first: a dying postmaster must not start new children behind our back.
      for (const target of tree ? processTree(pid) : [pid]) {
        try {
          process.kill(target, signal);
        } catch {
          // Exited between the look-up and the kill.
        }
      }
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
      daemon.signal('SIGKILL', true);
      await daemon.exited;
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
