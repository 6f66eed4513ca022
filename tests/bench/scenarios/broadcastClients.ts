/**
 * Client side of the one-writer scenarios (fan-out burst, paced latency), run in client
 * processes: worker 0 holds the writer, every worker a share of the readers, all on one board.
 * Deliveries are counted by content (content.ts), and reader 0 rebuilds the document at the
 * end, so a lost, duplicated or corrupted update fails the run.
 */
import * as Y from 'yjs';
import { type Conn, connect, type ServerAddress } from '../lib/conn.js';
import { ContentCounter, type ReaderProgress } from '../lib/content.js';
import { EDITOR_CLIENT_ID, generateEdits } from '../lib/edits.js';
import { now, waitUntil } from '../lib/scenario.js';
import type { ServerKind } from '../lib/servers.js';
import type { WorkerIO } from '../lib/workers.js';

export interface BroadcastParams {
  kind: ServerKind;
  /** Where the writer connects, and every reader unless `readerServers` is set. */
  server: ServerAddress;
  /** Worker i's readers connect to `readerServers[i % length]` (e.g. the other node of a cluster). */
  readerServers?: ServerAddress[];
  boardId: string;
  readers: number;
  warmup: number;
  /** Edits in the measured phase. */
  count: number;
  mode: 'burst' | 'paced';
  /**
   * burst: updates in flight, or null for none: every edit is sent at once, as the servers' own
   * providers (BoardProvider, HocuspocusProvider, WebsocketProvider) send every local update
   * without waiting for earlier ones; TCP's backpressure is then the only limit.
   */
  window: number | null;
  /** paced: updates per second. */
  rate: number;
  /** A phase with no progress for this long fails. */
  stallMs: number;
}

export interface BroadcastResult {
  /** Worker 0: measured edits sent, first measured send, last ack. */
  sent?: number;
  startAt?: number;
  lastAckAt?: number;
  /** paced, worker 0: absolute send time of each measured edit. */
  sentAt?: number[];
  /** Latest delivery of the last measured edit among this worker's readers. */
  lastDeliveryAt: number;
  /** paced: receive time of each measured edit, per reader (flattened, reader-major). */
  receivedAt?: number[];
  readers: number;
  frames: number;
  clientCpuMs: number;
  clientElu: number;
  verified: string;
}

export async function broadcastClients(p: BroadcastParams, io: WorkerIO): Promise<BroadcastResult> {
  const total = p.warmup + p.count;
  const edits = generateEdits(total, 1);
  const counter = new ContentCounter(edits.clocks, EDITOR_CLIENT_ID);
  const mine = Math.floor(p.readers / io.count) + (io.index < p.readers % io.count ? 1 : 0);
  let failure: Error | null = null;
  const fail = (reason: string) => {
    failure ??= new Error(`${p.kind}: ${reason}`);
  };
  const receivedAt = p.mode === 'paced' ? new Float64Array(mine * p.count) : null;
  const kept: Uint8Array[] = [];
  const readers: ReaderProgress[] = [];
  const conns: Conn[] = [];
  let lastDeliveryAt = 0;
  const readerServer = p.readerServers?.[io.index % p.readerServers.length] ?? p.server;
  try {
    for (let r = 0; r < mine; r++) {
      const progress = counter.reader(`worker ${io.index} reader ${r}`);
      readers.push(progress);
      const keep = io.index === 0 && r === 0;
      conns.push(
        await connect(p.kind, readerServer, p.boardId, {
          update(bytes) {
            const before = progress.delivered;
            try {
              progress.receive(bytes);
            } catch (error) {
              fail((error as Error).message);
              return;
            }
            if (keep) kept.push(Uint8Array.from(bytes));
            const at = now();
            if (progress.delivered > p.warmup) lastDeliveryAt = at;
            if (receivedAt) {
              for (let i = Math.max(before, p.warmup); i < progress.delivered; i++) {
                receivedAt[r * p.count + (i - p.warmup)] = at;
              }
            }
          },
          fail,
        }),
      );
    }
    const writer = io.index === 0 ? await connect(p.kind, p.server, p.boardId, { fail }) : null;
    if (writer) conns.push(writer);
    await io.barrier('joined');

    const progressOf = () => readers.reduce((sum, r) => sum + r.delivered, 0);
    const allReached = (n: number) => readers.every((r) => r.delivered >= n);
    const waitReaders = async (n: number) => {
      let last = -1;
      let lastAt = performance.now();
      await waitUntil(
        () => {
          if (failure) throw failure;
          const progress = progressOf();
          if (progress !== last) {
            last = progress;
            lastAt = performance.now();
          } else if (performance.now() - lastAt > p.stallMs) {
            throw new Error(
              `${p.kind}: no delivery for ${p.stallMs} ms; readers hold ` +
                `[${readers.map((r) => r.delivered).join(', ')}] of ${n}`,
            );
          }
          return allReached(n);
        },
        10 * 60_000,
        () => 'readers',
      );
    };

    // Warm-up: the same flow, not measured.
    let acked = 0;
    let next = 0;
    let lastAckAt = 0;
    const sendWindowed = (to: number) =>
      new Promise<void>((resolve, reject) => {
        const pump = () => {
          if (failure) return reject(failure);
          while (next < to && (p.window === null || next - acked < p.window)) {
            const i = next++;
            writer!.send(edits.updates[i]!, (error) => {
              if (error !== undefined)
                return reject(new Error(`${p.kind}: update ${i} refused: ${error}`));
              acked++;
              lastAckAt = now();
              if (acked === to) resolve();
              else pump();
            });
          }
        };
        pump();
      });
    // Paced: edit i is due at `from`'s start + i / rate; a late timer sends everything due.
    // Resolves once every edit sent is acked; `sentAt` gets each send's time.
    const sendPaced = (to: number, sentAt: number[]) =>
      new Promise<void>((resolve, reject) => {
        const from = next;
        const startedAt = now();
        const interval = 1000 / p.rate;
        const acks = { n: 0 };
        const tick = () => {
          if (failure) return reject(failure);
          const due = Math.min(to, from + Math.floor((now() - startedAt) / interval) + 1);
          while (next < due) {
            const i = next++;
            sentAt.push(now());
            writer!.send(edits.updates[i]!, (error) => {
              if (error !== undefined)
                return reject(new Error(`${p.kind}: update ${i} refused: ${error}`));
              lastAckAt = now();
              if (++acks.n === to - from) resolve();
            });
          }
          if (next < to)
            setTimeout(tick, Math.max(0, startedAt + (next - from) * interval - now()));
        };
        tick();
      });
    // Warm as measured: a paced run warms up paced, so the server's paced path (one edit per
    // turn) is the one its JIT has compiled when measuring starts, not a burst's.
    if (writer) {
      if (p.mode === 'burst') await sendWindowed(p.warmup);
      else await sendPaced(p.warmup, []);
    }
    await waitReaders(p.warmup);
    await io.barrier('warm');

    const cpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization();
    let startAt = 0;
    const sentAt: number[] = [];
    if (writer) {
      startAt = now();
      if (p.mode === 'burst') await sendWindowed(total);
      else await sendPaced(total, sentAt);
    }
    await waitReaders(total);
    const cpuSpent = process.cpuUsage(cpu);
    const eluSpent = performance.eventLoopUtilization(elu);
    await io.barrier('done');

    // Late duplicates would show up as overlaps.
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (failure) throw failure;
    for (const r of readers) {
      if (r.delivered !== total) throw new Error(`${r.label} got ${r.delivered} of ${total} edits`);
    }
    let verified = `${readers.length} readers x ${total} edits, contiguous`;
    if (io.index === 0 && kept.length > 0) {
      const doc = new Y.Doc();
      for (const update of kept) Y.applyUpdate(doc, update);
      const clock = Y.getState(doc.store, EDITOR_CLIENT_ID);
      const shapes = doc.getMap('shapes').size;
      const pending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
      doc.destroy();
      if (clock !== edits.clocks[total - 1] || shapes !== edits.shapeCounts[total - 1] || pending) {
        throw new Error(
          `${p.kind}: reader 0 rebuilt clock ${clock}, ${shapes} shapes, pending ${pending}; ` +
            `expected ${edits.clocks[total - 1]}, ${edits.shapeCounts[total - 1]}`,
        );
      }
      verified += '; reader 0 rebuilt the document exactly';
    }
    return {
      ...(writer
        ? { sent: p.count, startAt, lastAckAt, ...(p.mode === 'paced' ? { sentAt } : {}) }
        : {}),
      lastDeliveryAt,
      ...(receivedAt ? { receivedAt: Array.from(receivedAt) } : {}),
      readers: readers.length,
      frames: readers.reduce((sum, r) => sum + r.frames, 0),
      clientCpuMs: (cpuSpent.user + cpuSpent.system) / 1000,
      clientElu: eluSpent.utilization,
      verified,
    };
  } finally {
    for (const conn of conns) conn.close();
  }
}
