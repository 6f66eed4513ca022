import { stopAllWorkers } from './RpcWorker.js';

/** How long `exitAnyway` waits for the worker threads to stop. */
export const STOP_WORKERS_MS = 1000;

/**
 * Ends the process with `code`, even when a worker thread cannot stop. `process.exit` waits for
 * every worker thread to end, and one blocked in a system call on a disk that hangs (SQLite
 * writing to a stalled NFS or cloud volume) does not end until the disk answers: a shutdown that
 * gave up on storage would then hang for as long as the disk does. So the threads are stopped
 * first; if one has not within `waitMs`, the process kills itself (SIGKILL: status 137).
 */
export async function exitAnyway(code: number, waitMs = STOP_WORKERS_MS): Promise<void> {
  if (await stopAllWorkers(waitMs)) process.exit(code);
  process.kill(process.pid, 'SIGKILL');
}
