/**
 * A disk that stops answering: a FUSE passthrough (`stallingfs.py`, Debian's python3-fusepy)
 * mirroring a temp dir. Stalled, its process is stopped (SIGSTOP): every operation on the mount
 * waits in the kernel, killable (as on an NFS server gone away), and goes on where it stopped
 * once resumed (SIGCONT). Stall it while nothing is in flight on it: an operation the stopped
 * process had already taken would wait unkillable. Root only.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./stallingfs.py', import.meta.url));

export interface StallingFs {
  /** The mount: a directory whose operations stall on demand. */
  dir: string;
  /** Resolves once every operation on `dir` waits (every thread of the FUSE process stopped). */
  stall(): Promise<void>;
  /** Operations go on. */
  resume(): boolean;
  /** Resumes, unmounts, and removes everything. */
  destroy(): Promise<void>;
}

/** True where FUSE can be mounted here: root, `/dev/fuse`, and fusepy for Debian's python. */
export function canStallDisk(): boolean {
  if (process.getuid?.() !== 0 || !existsSync('/dev/fuse')) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import fusepy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const mounted = (dir: string) =>
  readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[1] === dir);

/** True when every thread of process `pid` is stopped (state `T` in its `stat`). */
const stopped = (pid: number) =>
  readdirSync(`/proc/${pid}/task`).every((tid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).startsWith('T');
    } catch {
      return true; // gone
    }
  });

export async function mountStallingFs(): Promise<StallingFs> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'drawbridge-stall-'));
  const backing = path.join(root, 'backing');
  const dir = path.join(root, 'mount');
  execFileSync('mkdir', [backing, dir]);
  const fs: ChildProcess = spawn(PYTHON, ['-B', SCRIPT, backing, dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const errors: string[] = [];
  fs.stderr?.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (!mounted(dir)) {
    if (fs.exitCode !== null || Date.now() > deadline) {
      fs.kill('SIGKILL');
      throw new Error(`stallingfs did not mount: ${errors.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const resume = () => fs.exitCode === null && fs.kill('SIGCONT');
  return {
    dir,
    async stall() {
      fs.kill('SIGSTOP');
      // The signal stops each thread as it next runs: wait until all have.
      const deadline = Date.now() + 10_000;
      while (!stopped(fs.pid!)) {
        if (Date.now() > deadline) throw new Error('stallingfs did not stop');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    resume,
    async destroy() {
      resume();
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      } catch {
        // Already gone with its process.
      }
      const exited = new Promise((resolve) => fs.once('exit', resolve));
      if (fs.exitCode === null) {
        fs.kill('SIGTERM');
        await exited;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
