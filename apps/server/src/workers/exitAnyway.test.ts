import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./testing/stuckWorker.ts', import.meta.url));
/** The repository's root, where `tsx` resolves. */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the child (`stuckWorker.ts`) until it exits: its exit code or signal. */
function run(state: 'blocked' | 'idle', how: 'anyway' | 'plain') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drawbridge-exit-'));
  dirs.push(dir);
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, fifo, state, how], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, out })),
  );
}

describe('exitAnyway', () => {
  // `process.exit` waits for every worker thread to end, and one blocked in a system call never
  // does until the call returns: the same child with `process.exit(1)` does not end at all.
  it('ends a process whose worker thread is blocked in a system call, by its own SIGKILL', async () => {
    const ended = await run('blocked', 'anyway');
    expect(ended.out).toContain('exiting');
    expect(ended.signal).toBe('SIGKILL');
  }, 30_000);

  it('exits with the code when every worker thread stops', async () => {
    const ended = await run('idle', 'anyway');
    expect(ended.out).toContain('exiting');
    expect(ended).toMatchObject({ code: 1, signal: null });
  }, 30_000);
});
