/**
 * Boards each doing a round trip at a steady pace (a small Yjs update, then its ack; for
 * y-websocket, its echo), timed: what the flood, images and large-boards scenarios measure other
 * work against.
 */
import * as Y from 'yjs';
import { type Conn, connect, type ServerAddress } from './conn.js';
import { now } from './scenario.js';
import type { WorkerIO } from './workers.js';

/** A round trip: when it started (ms, `now()`), and how long it took. */
export type RoundTrip = [startAt: number, ms: number];

/** When some other work ran (ms, `now()`). */
export type Window = [start: number, end: number];

export interface RoundTrips {
  /** Every round trip so far, in the order they ended. */
  readonly trips: RoundTrip[];
  /** Stops the loops after their current round trip; rejects if a round trip was refused. */
  stop(): Promise<void>;
}

/** Starts one loop per connection: a round trip every `everyMs`, each with a fresh update. */
export function startRoundTrips(
  conns: readonly Conn[],
  everyMs: number,
  label: string,
  firstClientId: number,
): RoundTrips {
  const trips: RoundTrip[] = [];
  let stopped = false;
  const loops = conns.map(async (conn, b) => {
    const doc = new Y.Doc();
    doc.clientID = firstClientId + b;
    let n = 0;
    while (!stopped) {
      let update: Uint8Array | null = null;
      const capture = (u: Uint8Array) => {
        update = u;
      };
      doc.on('update', capture);
      doc.getMap('probe').set(`k${n++ % 64}`, n);
      doc.off('update', capture);
      const startAt = now();
      const error = await conn.request(update!);
      if (error !== undefined) throw new Error(`${label}: probe on board ${b} refused: ${error}`);
      trips.push([startAt, now() - startAt]);
      const wait = startAt + everyMs - now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  });
  return {
    trips,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/**
 * A probing client worker's part: `boards` Drawbridge boards doing round trips every `everyMs`
 * from the workers' 'ready' barrier to their 'done' one. Returns every round trip.
 */
export async function probeUntilDone(
  server: ServerAddress,
  io: WorkerIO,
  options: { boards: number; everyMs: number; label: string },
): Promise<RoundTrip[]> {
  const conns: Conn[] = [];
  let failure: Error | null = null;
  try {
    for (let b = 0; b < options.boards; b++) {
      const conn = await connect('drawbridge', server, `probe-${b}`, {
        fail: (reason) => {
          failure ??= new Error(reason);
        },
      });
      conns.push(conn);
    }
    await io.barrier('ready');
    const roundTrips = startRoundTrips(conns, options.everyMs, options.label, 0x7000);
    await io.barrier('done');
    await roundTrips.stop();
    if (failure) throw failure;
    return roundTrips.trips;
  } finally {
    for (const conn of conns) conn.close();
  }
}

/** The round trips that overlapped any of `windows`, in ms, sorted. */
export function during(trips: readonly RoundTrip[], windows: readonly Window[]): number[] {
  return trips
    .filter(([at, ms]) => windows.some(([start, end]) => at <= end && at + ms >= start))
    .map(([, ms]) => ms)
    .sort((a, b) => a - b);
}

/** The round trips that started and ended in the `ms` before `at`, in ms, sorted. */
export function endedBefore(trips: readonly RoundTrip[], at: number, ms: number): number[] {
  return trips
    .filter(([startAt, took]) => startAt >= at - ms && startAt + took < at)
    .map(([, took]) => took)
    .sort((a, b) => a - b);
}
