/** Paced latency: 500 updates/s -> 50 readers, end to end from send to delivery. */
import { oneWayLatencies } from '../lib/oneWay.js';
import { interleave, metric, type Scenario } from '../lib/scenario.js';
import { SERVER_KINDS } from '../lib/servers.js';
import { percentile } from '../lib/stats.js';
import { runBroadcast } from './broadcast.js';

export const latency: Scenario = {
  name: 'latency',
  title: 'Paced latency: 500 updates/s -> 50 readers',
  description:
    'One writer sends 500 edits per second on a schedule; 50 readers on the board. Latency is ' +
    'from the send of an edit to its delivery at each reader (clocks comparable across the ' +
    'client processes), over every reader and edit. Servers are measured warm, as they run: ' +
    '2,000 edits first, unmeasured, at the same pace.',
  supports: SERVER_KINDS,
  async run(ctx) {
    const rate = 500;
    const seconds = ctx.options.quick ? 2 : 5;
    const runs = await interleave(ctx, async (kind, round) => {
      const run = await runBroadcast(
        kind,
        {
          boardId: `latency-r${round}`,
          readers: 50,
          warmup: 2000,
          count: rate * seconds,
          mode: 'paced',
          window: 64,
          rate,
          stallMs: 10_000,
        },
        2,
      );
      const sentAt = run.results[0]!.sentAt!;
      const latencies = run.results.flatMap((result) =>
        oneWayLatencies(sentAt, result.receivedAt!),
      );
      latencies.sort((a, b) => a - b);
      return {
        p50: percentile(latencies, 0.5),
        p99: percentile(latencies, 0.99),
        max: latencies[latencies.length - 1]!,
        samples: latencies.length,
        serverCpuSeconds: run.serverCpuSeconds,
      };
    });
    return {
      metrics: [
        metric('p50 end to end', 'ms', 'lower', runs, (r) => r.p50),
        metric('p99 end to end', 'ms', 'lower', runs, (r) => r.p99),
        metric('max end to end', 'ms', 'lower', runs, (r) => r.max),
      ],
      notes: [
        `${rate} edits/s for ${seconds} s, 50 readers: ${runs[0]?.result.samples ?? 0} samples per run`,
      ],
      runs,
    };
  },
};
