import { readFileSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Niceness of the worker threads doing bulk work (previews, snapshots and versions, decoding
 * large boards for cold loads): when the machine is busy, the event loop, the storage commits
 * and the clients' own work get the CPU first; with cores to spare, bulk work runs at full speed
 * anyway.
 */
export const BACKGROUND_NICENESS = 10;

/** The calling thread's id as the kernel knows it (Linux: `/proc/thread-self`), or null. */
export function currentThreadId(): number | null {
  try {
    // "<pid>/task/<tid>"
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isSafeInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/**
 * Lowers the calling thread's scheduling priority, and only that thread's: on Linux a thread is
 * a task of its own, and `setpriority` on its id leaves the rest of the process alone. Best
 * effort: false where the platform has no per-thread priority or refuses the change.
 */
export function lowerThreadPriority(niceness = BACKGROUND_NICENESS): boolean {
  const tid = currentThreadId();
  if (tid === null) return false;
  try {
    setPriority(tid, niceness);
    return true;
  } catch {
    return false;
  }
}

/** A thread's niceness from `/proc` (Linux), or null: for tests and diagnostics. */
export function threadNiceness(pid: number, tid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name (in parentheses, which may hold spaces); nice is field 19.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const nice = Number(fields[16]);
    return Number.isInteger(nice) ? nice : null;
  } catch {
    return null;
  }
}
