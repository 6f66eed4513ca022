import { readFileSync } from 'node:fs';

/**
 * How many connections the kernel may hold for the server, handshake done, before it accepts
 * them. Node's default is 511. A restart, or a node of a cluster dying, brings every client back
 * at once: a thousand reconnects arrive within a few hundred milliseconds, faster than one event
 * loop accepts them, and once the queue is full Linux drops the handshakes that do not fit. Their
 * clients' TCP waits a second before trying again (then three, then seven): a second added to a
 * reconnect storm by the queue alone. Measured with `pnpm bench --only=reconnect` (1,000 clients
 * over 100 boards, kill -9 and restart) and `nstat`: 435 listen overflows and 575 SYN
 * retransmissions per storm with Node's default.
 *
 * Linux caps the figure at `net.core.somaxconn` (4096 by default since Linux 5.4; 128 before).
 */
export const DEFAULT_LISTEN_BACKLOG = 4096;

const SOMAXCONN = '/proc/sys/net/core/somaxconn';

/** The kernel's cap on a listen backlog, or null where it cannot be read (not Linux). */
export function kernelBacklogCap(file = SOMAXCONN): number | null {
  try {
    const value = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(value) && value > 0 ? value : null;
  } catch {
    return null;
  }
}
