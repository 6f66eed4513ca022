/**
 * Small disks for full-disk tests: a tmpfs mounted on a temp dir (root only), filled up with a
 * filler file, grown again with a remount.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A tmpfs of `size` (`3M`, say) mounted on a new temp dir, or null where this process may not mount. */
export function mountTmpfs(size: string): string | null {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drawbridge-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

/** True where this process may mount a tmpfs (root). */
export function canMountTmpfs(): boolean {
  const probe = mountTmpfs('1M');
  if (probe) unmountTmpfs(probe);
  return probe !== null;
}

/** Writes `file` until the disk it is on is full; then frees `leaveBytes` of it again. */
export function fillUp(file: string, leaveBytes = 0): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(16 * 1024);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  if (leaveBytes > 0)
    execFileSync('truncate', ['-s', String(Math.max(0, written - leaveBytes)), file]);
}

/** Gives the tmpfs at `dir` a new size (`64M`): the disk is no longer full. */
export function resizeTmpfs(dir: string, size: string): void {
  execFileSync('mount', ['-o', `remount,size=${size}`, dir]);
}

export function unmountTmpfs(dir: string): void {
  execFileSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
}
