/**
 * Large boards, Drawbridge only (what the peers have no counterpart of): while 10 boards each do
 * a round trip every 20 ms, a client that drew one shape pastes a 10,000-shape board in one
 * update, then clients that drew offline before ever joining join it (each lacks nearly all of
 * it), then an operator exports it and imports the file into new boards, and last a client
 * pastes 60,000 shapes (14.3 MB: near the largest message a server takes) into a board of its
 * own. What those round trips cost meanwhile: none of it may hold other boards' acks.
 */
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { connect } from '../lib/conn.js';
import { httpRequest } from '../lib/httpRequest.js';
import {
  during,
  endedBefore,
  probeUntilDone,
  type RoundTrip,
  type Window,
} from '../lib/roundTrips.js';
import { interleave, metric, now, type Scenario } from '../lib/scenario.js';
import { scenePastedAfterDrawing, sceneUpdate, shapeCount } from '../lib/scene.js';
import { startServer } from '../lib/servers.js';
import { median, percentile } from '../lib/stats.js';
import { startWorkers, type WorkerIO } from '../lib/workers.js';

const MODULE = fileURLToPath(import.meta.url);
const PROBE_EVERY_MS = 20;
const PROBED_BOARDS = 10;
const WARM_MS = 1000;
const BASELINE_MS = 1000;
/** The bench's own admin token (the server is started with it). */
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

interface LargeBoardsParams {
  server: { url: string; wsUrl: string };
  shapes: number;
  /** The last paste's shapes: near the largest message a server takes. */
  largestShapes: number;
  offlineJoins: number;
  transfers: number;
}

type Phase = 'paste' | 'offlineJoins' | 'exports' | 'imports' | 'largestPaste';

interface LargeBoardsResult {
  /** Worker 0: round trips as [startAt, ms]. */
  probes?: RoundTrip[];
  /** Worker 1: each phase's requests, as windows. */
  windows?: Record<Phase, Window[]>;
  startAt?: number;
}

/** Runs `work` and records its window under `phase`. */
async function timed<T>(windows: Window[], work: () => Promise<T>): Promise<T> {
  const at = now();
  const result = await work();
  windows.push([at, now()]);
  return result;
}

/** The state vector of a client that drew one thing offline and never joined. */
function offlineStateVector(i: number): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = 0x9000 + i;
  doc.getMap('shapes').set(`offline-${i}`, new Y.Map());
  return Y.encodeStateVector(doc);
}

export async function largeBoardsClients(
  p: LargeBoardsParams,
  io: WorkerIO,
): Promise<LargeBoardsResult> {
  const fail = (reason: string) => {
    throw new Error(reason);
  };
  if (io.index === 1) {
    // Made before the measured part: building the scene is the client's own work.
    // The paster drew one shape before pasting, as members do (Drawbridge's slices of such a
    // paste start past its first structs).
    const { drawn, paste: scene } = scenePastedAfterDrawing(p.shapes);
    const largest = sceneUpdate(p.largestShapes);
    const paster = await connect('drawbridge', p.server, 'large', { fail });
    if ((await paster.request(drawn)) !== undefined) throw new Error('the first shape was refused');
    const largestPaster = await connect('drawbridge', p.server, 'largest', { fail });
    await io.barrier('ready');
    // The probes warm up, then the baseline, then the large board.
    await new Promise((resolve) => setTimeout(resolve, WARM_MS + BASELINE_MS));
    const startAt = now();
    const windows: Record<Phase, Window[]> = {
      paste: [],
      offlineJoins: [],
      exports: [],
      imports: [],
      largestPaste: [],
    };
    const refused = await timed(windows.paste, () => paster.request(scene));
    if (refused !== undefined) throw new Error(`the paste was refused: ${refused}`);
    for (let i = 0; i < p.offlineJoins; i++) {
      const joiner = await timed(windows.offlineJoins, () =>
        connect('drawbridge', p.server, 'large', { fail }, { stateVector: offlineStateVector(i) }),
      );
      const shapes = shapeCount(joiner.initial!);
      joiner.close();
      if (shapes !== p.shapes + 1) throw new Error(`an offline joiner got ${shapes} shapes`);
    }
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    for (let i = 0; i < p.transfers; i++) {
      const file = await timed(windows.exports, () =>
        httpRequest(`${p.server.url}/api/boards/large/export`, { headers: admin, keepBody: true }),
      );
      if (file.status !== 200) throw new Error(`export answered ${file.status}`);
      const imported = await timed(windows.imports, () =>
        httpRequest(`${p.server.url}/api/boards/copy-${i}/import`, {
          headers: { ...admin, 'content-type': 'application/json' },
          body: file.body!,
        }),
      );
      if (imported.status !== 201) throw new Error(`import answered ${imported.status}`);
    }
    const refusedLargest = await timed(windows.largestPaste, () => largestPaster.request(largest));
    if (refusedLargest !== undefined)
      throw new Error(`the largest paste was refused: ${refusedLargest}`);
    largestPaster.close();
    paster.close();
    await io.barrier('done');
    return { windows, startAt };
  }

  const probes = await probeUntilDone(p.server, io, {
    boards: PROBED_BOARDS,
    everyMs: PROBE_EVERY_MS,
    label: 'large-boards',
  });
  return { probes };
}

const PHASES: ReadonlyArray<[Phase, string]> = [
  ['paste', 'the paste'],
  ['offlineJoins', 'offline joins'],
  ['exports', 'exports'],
  ['imports', 'imports'],
  ['largestPaste', 'the largest paste'],
];

export const largeBoards: Scenario = {
  name: 'large-boards',
  title: 'Large boards (Drawbridge only)',
  description:
    `${PROBED_BOARDS} boards each do a round trip every ${PROBE_EVERY_MS} ms (an update, then ` +
    'its ack, stored); meanwhile a client that drew one shape pastes a 10,000-shape board ' +
    '(2.35 MB) in one update, ' +
    'then clients that drew offline before ever joining join it one after another, then an ' +
    'operator exports it and imports the file into new boards (admin API), and last a client ' +
    'pastes 60,000 shapes (14.3 MB, near the 16 MB a message may be) into a board of its own. ' +
    'p99 of the round ' +
    `trips that overlapped each, against the ${BASELINE_MS / 1000} s before (the baseline).`,
  supports: ['drawbridge'],
  async run(ctx) {
    const params = {
      shapes: ctx.options.quick ? 3000 : 10_000,
      largestShapes: ctx.options.quick ? 6000 : 60_000,
      offlineJoins: 10,
      transfers: ctx.options.quick ? 1 : 3,
    };
    const runs = await interleave(ctx, async () => {
      const server = await startServer('drawbridge', { env: { ADMIN_TOKEN } });
      const group = startWorkers<LargeBoardsParams, LargeBoardsResult>(
        2,
        MODULE,
        'largeBoardsClients',
        { server: { url: server.url, wsUrl: server.wsUrl }, ...params },
      );
      try {
        await group.barrier('ready');
        group.release('ready');
        await group.barrier('done');
        group.release('done');
        const [probers, client] = await group.results();
        const probes = probers!.probes!;
        const { windows, startAt } = client as Required<LargeBoardsResult>;
        const before = endedBefore(probes, startAt, BASELINE_MS);
        const p99 = Object.fromEntries(
          PHASES.map(([phase]) => [phase, percentile(during(probes, windows[phase]), 0.99)]),
        ) as Record<Phase, number>;
        // The longest: one hold of the event loop shows here, however short the phase around it.
        const max = Object.fromEntries(
          PHASES.map(([phase]) => [phase, during(probes, windows[phase]).at(-1) ?? Number.NaN]),
        ) as Record<Phase, number>;
        const ms = Object.fromEntries(
          PHASES.map(([phase]) => [phase, median(windows[phase].map(([a, b]) => b - a))]),
        ) as Record<Phase, number>;
        const samples = PHASES.map(([phase]) => during(probes, windows[phase]).length);
        return {
          baselineP99: percentile(before, 0.99),
          p99,
          max,
          ms,
          samples: [before.length, ...samples],
        };
      } finally {
        group.kill();
        await server.destroy();
      }
    });
    return {
      metrics: [
        metric("other boards' round trip p99 before", 'ms', 'lower', runs, (r) => r.baselineP99),
        ...(['p99', 'max'] as const).flatMap((stat) =>
          PHASES.map(([phase, label]) =>
            metric(
              `other boards' round trip ${stat} during ${label}`,
              'ms',
              'lower',
              runs,
              (r) => r[stat][phase],
            ),
          ),
        ),
        ...PHASES.map(([phase, label]) =>
          metric(`${label}: one (median)`, 'ms', 'lower', runs, (r) => r.ms[phase]),
        ),
      ],
      notes: [
        `${params.shapes} shapes; ${params.offlineJoins} offline joins; ${params.transfers} ` +
          `exports and imports; ${params.largestShapes} shapes in the largest paste; round trips ` +
          'sampled before / during the paste / offline joins / exports / imports / the largest ' +
          `paste per run: ${runs.map((r) => r.result.samples.join(' / ')).join(', ')}`,
      ],
      runs,
    };
  },
};
