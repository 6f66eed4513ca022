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
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
