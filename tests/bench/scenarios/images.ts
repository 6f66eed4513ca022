/**
 * Large images, Drawbridge only (the peers store no images): while 10 boards each do a round
 * trip every 20 ms, a client uploads 8 MB images one after another, then downloads them. What
 * those round trips cost meanwhile: an upload or a download must not hold other boards' acks.
 */
import { randomFillSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SAMPLE_IMAGES } from '../../../packages/protocol/src/testing/sampleImages.js';
import { httpRequest } from '../lib/httpRequest.js';
import {
  during,
  endedBefore,
  probeUntilDone,
  type RoundTrip,
  type Window,
} from '../lib/roundTrips.js';
import { interleave, metric, now, type Scenario } from '../lib/scenario.js';
import { startServer } from '../lib/servers.js';
import { median, percentile } from '../lib/stats.js';
import { startWorkers, type WorkerIO } from '../lib/workers.js';

const MODULE = fileURLToPath(import.meta.url);
const PROBE_EVERY_MS = 20;
const PROBED_BOARDS = 10;
const WARM_MS = 1000;
const BASELINE_MS = 1000;

interface ImagesParams {
  server: { url: string; wsUrl: string };
  images: number;
  imageBytes: number;
  downloads: number;
}

interface ImagesResult {
  /** Worker 0: round trips as [startAt, ms]. */
  probes?: RoundTrip[];
  /** Worker 1. */
  uploads?: Window[];
  downloads?: Window[];
  startAt?: number;
}

/** A PNG as the server sniffs it (the sample's header), `bytes` long, unlike any other. */
function bigPng(bytes: number): Uint8Array {
  const png = new Uint8Array(bytes);
  randomFillSync(png);
  png.set(SAMPLE_IMAGES.png.bytes);
  return png;
}

export async function imagesClients(p: ImagesParams, io: WorkerIO): Promise<ImagesResult> {
  if (io.index === 1) {
    // Made before the measured part: generating 8 MB of noise is the client's own work.
    const images = Array.from({ length: p.images }, () => bigPng(p.imageBytes));
    await io.barrier('ready');
    // The probes warm up, then the baseline, then the images.
    await new Promise((resolve) => setTimeout(resolve, WARM_MS + BASELINE_MS));
    const startAt = now();
    const uploads: Window[] = [];
    const ids: Array<[string, string]> = [];
    for (const [i, image] of images.entries()) {
      const board = `images-${i}`;
      const at = now();
      const answer = await httpRequest(`${p.server.url}/api/boards/${board}/assets`, {
        headers: { 'content-type': 'image/png' },
        body: image,
        keepBody: true,
      });
      const body = JSON.parse(answer.body!.toString()) as { assetId?: string };
      if (answer.status !== 201 || !body.assetId) {
        throw new Error(`upload ${i} answered ${answer.status}: ${JSON.stringify(body)}`);
      }
      uploads.push([at, now()]);
      ids.push([board, body.assetId]);
    }
    const downloads: Window[] = [];
    for (let round = 0; round < p.downloads; round++) {
      for (const [board, assetId] of ids) {
        const at = now();
        const { status, bytes } = await httpRequest(
          `${p.server.url}/api/boards/${board}/assets/${assetId}`,
        );
        if (status !== 200 || bytes !== p.imageBytes) {
          throw new Error(`download of ${board} answered ${status} with ${bytes} bytes`);
        }
        downloads.push([at, now()]);
      }
    }
    await io.barrier('done');
    return { uploads, downloads, startAt };
  }

  const probes = await probeUntilDone(p.server, io, {
    boards: PROBED_BOARDS,
    everyMs: PROBE_EVERY_MS,
    label: 'images',
  });
  return { probes };
}

export const images: Scenario = {
  name: 'images',
  title: 'Large images (Drawbridge only)',
  description:
    `${PROBED_BOARDS} boards each do a round trip every ${PROBE_EVERY_MS} ms (an update, then ` +
    'its ack, stored); meanwhile one client uploads 8 MB images one after another, then ' +
    'downloads each of them a few times. p99 of the round trips that overlapped an upload, or a ' +
    `download, against the ${BASELINE_MS / 1000} s before (the baseline).`,
  supports: ['drawbridge'],
  async run(ctx) {
    const params = {
      images: ctx.options.quick ? 3 : 6,
      imageBytes: (ctx.options.quick ? 4 : 8) * 1024 * 1024,
      downloads: 3,
    };
    const runs = await interleave(ctx, async () => {
      const server = await startServer('drawbridge');
      const group = startWorkers<ImagesParams, ImagesResult>(2, MODULE, 'imagesClients', {
        server: { url: server.url, wsUrl: server.wsUrl },
        ...params,
      });
      try {
        await group.barrier('ready');
        group.release('ready');
        await group.barrier('done');
        group.release('done');
        const [probers, client] = await group.results();
        const probes = probers!.probes!;
        const { uploads, downloads, startAt } = client as Required<ImagesResult>;
        const before = endedBefore(probes, startAt, BASELINE_MS);
        const up = during(probes, uploads);
        const down = during(probes, downloads);
        return {
          baselineP99: percentile(before, 0.99),
          uploadP99: percentile(up, 0.99),
          downloadP99: percentile(down, 0.99),
          uploadMs: median(uploads.map(([start, end]) => end - start)),
          downloadMs: median(downloads.map(([start, end]) => end - start)),
          samples: `${before.length} / ${up.length} / ${down.length}`,
        };
      } finally {
        group.kill();
        await server.destroy();
      }
    });
    return {
      metrics: [
        metric("other boards' round trip p99 before", 'ms', 'lower', runs, (r) => r.baselineP99),
        metric(
          "other boards' round trip p99 during uploads",
          'ms',
          'lower',
          runs,
          (r) => r.uploadP99,
        ),
        metric(
          "other boards' round trip p99 during downloads",
          'ms',
          'lower',
          runs,
          (r) => r.downloadP99,
        ),
        metric('upload of one image (median)', 'ms', 'lower', runs, (r) => r.uploadMs),
        metric('download of one image (median)', 'ms', 'lower', runs, (r) => r.downloadMs),
      ],
      notes: [
        `${params.images} images of ${params.imageBytes / 1024 / 1024} MB, each downloaded ` +
          `${params.downloads} times; round trips sampled before / during uploads / during ` +
          `downloads per run: ${runs.map((r) => r.result.samples).join(', ')}`,
      ],
      runs,
    };
  },
};
