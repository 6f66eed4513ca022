/// <reference path="./promClientMetrics.d.ts" />

/**
 * The process's own metrics (CPU, memory, heap, handles, event-loop lag, file descriptors, Node
 * version): prom-client's default set, without its garbage-collection histogram unless asked.
 *
 * That histogram needs a `PerformanceObserver` on `gc` entries, and with one registered Node
 * builds an entry and calls into JavaScript after every collection. With the server's 2 MB young
 * generation (`nodeFlags.ts`) scavenges are frequent under load, and the observer took about 3%
 * of the event loop's busy time in the fan-out burst (CPU profile: Node's `observerCallback` and
 * `enqueue`, and the observer's own callback: 38 ms of 1.38 s busy).
 * That callback also reads only the first entry of each batch Node hands it, so a second
 * collection in the same loop turn goes uncounted (6 of 135 in a 2 s allocation loop run in 4 ms
 * slices). End to end the saving is below this host's noise (the fan-out burst, five alternations:
 * 464-593k deliveries/s without it, 474-583k with it). `METRICS_GC_DURATIONS=1` turns it on.
 */
import type { Registry } from 'prom-client';
import eventLoopLag from 'prom-client/lib/metrics/eventLoopLag.js';
import gc from 'prom-client/lib/metrics/gc.js';
import heapSizeAndUsed from 'prom-client/lib/metrics/heapSizeAndUsed.js';
import heapSpacesSizeAndUsed from 'prom-client/lib/metrics/heapSpacesSizeAndUsed.js';
import osMemoryHeap from 'prom-client/lib/metrics/osMemoryHeap.js';
import processCpuTotal from 'prom-client/lib/metrics/processCpuTotal.js';
import processHandles from 'prom-client/lib/metrics/processHandles.js';
import processMaxFileDescriptors from 'prom-client/lib/metrics/processMaxFileDescriptors.js';
import processOpenFileDescriptors from 'prom-client/lib/metrics/processOpenFileDescriptors.js';
import processRequests from 'prom-client/lib/metrics/processRequests.js';
import processResources from 'prom-client/lib/metrics/processResources.js';
import processStartTime from 'prom-client/lib/metrics/processStartTime.js';
import version from 'prom-client/lib/metrics/version.js';

/** prom-client's default metrics but `gc`, as `collectDefaultMetrics` registers them. */
const DEFAULT_METRICS = [
  processCpuTotal,
  processStartTime,
  osMemoryHeap,
  processOpenFileDescriptors,
  processMaxFileDescriptors,
  eventLoopLag,
  processResources,
  processHandles,
  processRequests,
  heapSizeAndUsed,
  heapSpacesSizeAndUsed,
  version,
];

/** Registers the process metrics on `registry`, each name prefixed with `prefix`. */
export function collectProcessMetrics(
  registry: Registry,
  options: { prefix: string; gcDurations: boolean },
): void {
  const metrics = options.gcDurations ? [...DEFAULT_METRICS, gc] : DEFAULT_METRICS;
  // The config `collectDefaultMetrics` hands each of them (its event-loop lag samples every 10 ms).
  const config = { prefix: options.prefix, eventLoopMonitoringPrecision: 10 };
  for (const metric of metrics) metric(registry, config);
}
