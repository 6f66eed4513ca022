import { readFileSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Niceness of the worker threads doing bulk work (previews, snapshots and versions, decoding
 * large boards for cold loads): when the machine is busy, the event loop, the storage commits
 * and the clients' own work get the CPU first; with cores to spare, bulk work runs at full speed
 * anyway.
 */
export const BACKGROUND_NICENESS = 10;

/**
 * Niceness of SQLite's commit thread: just below the event loop. Every edit wakes it (the hand-off
 * of a commit batch), and at normal priority the woken thread often took the event loop's own
 * CPU on the spot, in the middle of its turn: `postMessage` showed 290-316 ms of the event loop's
 * time in a 5 s paced run (500 updates/s, 50 readers), 160-196 ms at niceness 5, and the run's
 * p99 was lower in four of four alternating pairs (8.9, 9.0, 7.1, 9.9 -> 7.4, 6.2, 7.1, 8.8 ms on
 * a busy host). Acks did not wait longer: under the mixed load edited boards' round trips p99 was
 * 57 -> 47 ms, during a flood 51 -> 50 ms. Far above the background's: commits come before bulk
 * work, and every ack waits on them.
 */
export const COMMIT_NICENESS = 5;

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
