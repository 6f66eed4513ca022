/**
 * One-way latencies of a paced run: for each delivery, the reader's `now()` at delivery minus
 * the writer's at send, in ms. `receivedAt` holds one reader after another, each over every
 * edit in `sentAt`'s order. The two readings come from different processes; a negative
 * latency would mean their clocks disagree, and fails the run instead of skewing its figures.
 */
export function oneWayLatencies(
  sentAt: readonly number[],
  receivedAt: readonly number[],
): number[] {
  const latencies = Array.from(receivedAt, (at, k) => at - sentAt[k % sentAt.length]!);
  let earliest = 0;
  for (const latency of latencies) earliest = Math.min(earliest, latency);
  if (earliest < 0) {
    throw new Error(
      `a delivery ${(-earliest).toFixed(3)} ms before its send: the client processes' clocks disagree`,
    );
  }
  return latencies;
}
