/**
 * The V8 flags the server runs with: `pnpm start` (both package.json start scripts spell them
 * out; `nodeFlags.test.ts` holds them to this list), `pnpm cluster` and `pnpm bench`. Run
 * `node dist/main.js` another way, and pass them too.
 *
 * `--max-semi-space-size=2`: V8 lets the young generation grow to 16 MB per semi-space. Filling
 * a large board's document allocates objects that all survive, and each scavenge of a 16 MB
 * semi-space full of survivors held the event loop 20-40 ms (the mixed bench: 38 ms pauses
 * while a 10,000-shape board loaded); at 2 MB each holds it a few milliseconds. The grown young
 * generation also stays resident: 32 MB more after a burst of 5,000 connects, about 6 KB per
 * idle connection. Measured on the 2-core development host, 3 interleaved rounds each: /healthz
 * p99 under mixed load 21-25 ms instead of 35-39, other boards' round trips 42-53 ms instead of
 * 57-97, idle memory 12.4-14.4 KB per connection instead of 16.1-16.9, and fan-out and latency
 * within noise of the default.
 *
 * `--single-threaded-gc`: V8 otherwise hands parts of every scavenge and of marking to four
 * helper threads. With a 2 MB young generation scavenges come every few milliseconds under load,
 * and on two cores the helpers' share cost more than it saved: in the fan-out burst they took
 * 1.1 s of CPU in a 3 s window beside the event loop's 1.15 s. The same work on the event loop
 * alone, measured with `pnpm bench --servers=drawbridge` (flag off / on, same hour): fan-out
 * 276k, 285k, 298k -> 365k, 327k, 319k deliveries/s and 4.9, 4.6, 4.6 -> 3.8, 4.1, 4.2 us of
 * server CPU per delivered update; latency p99 7.3 -> 5.8 ms; 50 cold joiners 1.03 s -> 767 ms;
 * connects/s 971 -> 1,079; reconnect 1.75 -> 1.66 s; flood 59 -> 56 ms, mixed load and idle
 * memory unchanged (24 ms /healthz, 44-45 ms round trips, 7.9 KB per idle connection).
 */
export const SERVER_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=2',
  '--single-threaded-gc',
];
