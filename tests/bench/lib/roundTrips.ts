/**
 * Boards each doing a round trip at a steady pace (a small Yjs update, then its ack; for
 * y-websocket, its echo), timed: what the flood and images scenarios measure other work against.
 */
import * as Y from 'yjs';
import type { Conn } from './conn.js';
import { now } from './scenario.js';

/** A round trip: when it started (ms, `now()`), and how long it took. */
export type RoundTrip = [startAt: number, ms: number];

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
