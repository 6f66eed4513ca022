/**
 * The relay bench's load generator: one sender and R receivers on one board. Forked by run.ts
 * as a child process, so client work (encoding, decoding, counting) never shares an event loop
 * with the relay being measured. Speaks the messages in ipc.ts over the fork IPC channel.
 */
import {
  type AckResult,
  type ClientToServerEvents,
  parser,
  type ServerToClientEvents,
} from '@drawbridge/protocol';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { EDITOR_CLIENT_ID, type Edits, generateEdits } from './edits.js';
import type { FromChild, RelayKind, RunResult, RunSpec, ToChild } from './ipc.js';
import { percentile } from './stats.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
/** A relayed update as a client library hands it over (Buffer, Uint8Array or ArrayBuffer). */
type Payload = Uint8Array | ArrayBuffer;

/**
 * Clients join as empty documents: the edits were generated beforehand (edits.ts), so a
 * client's own doc has nothing the board lacks.
 */
const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());
const CONNECT_TIMEOUT_MS = 5000;
/** After a phase completes, how long to keep listening for duplicate deliveries. */
const LATE_DELIVERY_GRACE_MS = 100;

interface Conn {
  /** Sends one update; `onAck` gets an error string when the relay refused it. */
  send(update: Uint8Array, onAck: (error?: string) => void): void;
  close(): void;
}

interface ConnHandlers {
  message(payload: Payload): void;
  fail(reason: string): void;
}

const post = (message: FromChild) => process.send!(message);

const isPayload = (value: unknown): value is Payload =>
  value instanceof Uint8Array || value instanceof ArrayBuffer;

const toBytes = (payload: Payload): Uint8Array =>
  payload instanceof Uint8Array ? payload : new Uint8Array(payload);

function connect(spec: RunSpec, handlers: ConnHandlers): Promise<Conn> {
  return spec.relay === 'raw-ws'
    ? connectWs(spec.url, handlers)
    : connectSocketIo(spec, spec.relay, handlers);
}

async function connectSocketIo(
  spec: RunSpec,
  relay: Exclude<RelayKind, 'raw-ws'>,
  handlers: ConnHandlers,
): Promise<Conn> {
  const socket: ClientSocket = io(spec.url, {
    ...(relay === 'sio-default' ? {} : { parser }),
    transports: ['websocket'],
    forceNew: true,
    // A dropped connection must fail the run, not be papered over by a reconnect.
    reconnection: false,
  });
  let closing = false;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('connect timed out')), CONNECT_TIMEOUT_MS);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('connect_error', (error) => {
        clearTimeout(timer);
        reject(new Error(`connect_error: ${error.message}`));
      });
    });
    socket.on('disconnect', (reason) => {
      if (!closing) handlers.fail(`socket ${socket.id} disconnected: ${reason}`);
    });
    socket.on('board:error', (error) =>
      handlers.fail(`board:error ${error.code}: ${error.message}`),
    );
    socket.on('doc:update', (message) => {
      const update: unknown = message?.update;
      if (isPayload(update)) handlers.message(update);
      else handlers.fail(`doc:update without binary update (${typeof update})`);
    });
    const joined = await socket.timeout(CONNECT_TIMEOUT_MS).emitWithAck('board:join', {
      boardId: spec.boardId,
      protocol: 1,
      stateVector: EMPTY_STATE_VECTOR,
    });
    if (!joined.ok)
      throw new Error(`board:join refused: ${joined.error.code} ${joined.error.message}`);
  } catch (error) {
    closing = true;
    socket.disconnect();
    throw error;
  }
  const boardId = spec.boardId;
  return {
    send(update, onAck) {
      socket.emit('doc:update', { boardId, update }, (result: AckResult) => {
        onAck(result?.ok ? undefined : `${result?.error?.code}: ${result?.error?.message}`);
      });
    },
    close() {
      closing = true;
      socket.disconnect();
    },
  };
}

/** Raw ws: every binary frame is an update; the relay answers the sender with a text frame. */
async function connectWs(url: string, handlers: ConnHandlers): Promise<Conn> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  let closing = false;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timed out')), CONNECT_TIMEOUT_MS);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  // Acks come back in send order: a FIFO of callbacks.
  let acks: Array<(error?: string) => void> = [];
  let head = 0;
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      const onAck = acks[head++];
      if (onAck === undefined) return handlers.fail('ack frame without a pending update');
      if (head === acks.length) {
        acks = [];
        head = 0;
      }
      return onAck();
    }
    if (isPayload(data)) handlers.message(data);
    else handlers.fail('fragmented binary message');
  });
  ws.on('error', (error) => handlers.fail(`ws error: ${error.message}`));
  ws.on('close', (code) => {
    if (!closing) handlers.fail(`ws closed by the relay (code ${code})`);
  });
  return {
    send(update, onAck) {
      acks.push(onAck);
      ws.send(update, { binary: true });
    },
    close() {
      closing = true;
      ws.close();
    },
  };
}

interface Receiver {
  count: number;
  bytes: number;
  lastAt: number;
  /** Kept for receiver 0 only, to verify content after the run. */
  payloads: Payload[] | null;
}

interface PhaseResult {
  from: number;
  to: number;
  elapsedMs: number;
  acksMs: number;
}

/** Runs one relay: connect, warm up, measure, verify every delivery, disconnect. */
async function runRelay(id: number, spec: RunSpec, edits: Edits): Promise<RunResult> {
  const updates = edits.updates;
  const limit = Math.min(spec.warmup + spec.count, updates.length);
  const sentAt = new Float64Array(limit);
  const rtt = new Float64Array(limit);
  const receivers: Receiver[] = Array.from({ length: spec.receivers }, (_, i) => ({
    count: 0,
    bytes: 0,
    lastAt: 0,
    payloads: i === 0 ? [] : null,
  }));

  let failure: Error | null = null;
  let abortPhase: ((error: Error) => void) | null = null;
  const fail = (reason: string) => {
    if (failure) return;
    failure = new Error(`${spec.relay}: ${reason}`);
    abortPhase?.(failure);
  };

  // Phase state, shared with the delivery handler and the watchdog.
  let next = 0;
  let acked = 0;
  /** Deliveries each receiver must reach; known once the phase stops sending. */
  let target = Number.POSITIVE_INFINITY;
  let complete = 0;
  let onComplete: (() => void) | null = null;
  let progress = 0;

  const deliver = (receiver: Receiver, payload: Payload) => {
    receiver.count++;
    receiver.bytes += payload.byteLength;
    receiver.lastAt = performance.now();
    receiver.payloads?.push(payload);
    progress++;
    if (receiver.count === target) {
      complete++;
      onComplete?.();
    }
  };
  const describe = () =>
    `sent ${next}, acked ${acked}, delivered [${receivers.map((r) => r.count).join(', ')}]`;

  let seen = -1;
  let seenAt = performance.now();
  const watchdog = setInterval(() => {
    if (progress !== seen) {
      seen = progress;
      seenAt = performance.now();
    } else if (performance.now() - seenAt > spec.stallMs) {
      fail(`no ack or delivery for ${spec.stallMs} ms: ${describe()}`);
    }
  }, 250);

  const conns: Conn[] = [];
  try {
    // Receivers first, so all of them are in the room before the first update.
    for (const receiver of receivers) {
      conns.push(await connect(spec, { message: (p) => deliver(receiver, p), fail }));
    }
    const sender = await connect(spec, {
      message: () => fail('the sender received its own update'),
      fail,
    });
    conns.push(sender);

    const runPhase = (from: number, to: number, budgetMs: number) =>
      new Promise<PhaseResult>((resolve, reject) => {
        if (failure) return reject(failure);
        abortPhase = reject;
        target = Number.POSITIVE_INFINITY;
        complete = 0;
        let stopped = false;
        let lastAckAt = 0;
        const t0 = performance.now();
        const finishIfDone = () => {
          if (!stopped || acked !== next || complete !== receivers.length) return;
          onComplete = null;
          abortPhase = null;
          resolve({
            from,
            to: next,
            elapsedMs: Math.max(...receivers.map((r) => r.lastAt)) - t0,
            acksMs: lastAckAt - t0,
          });
        };
        const stop = () => {
          stopped = true;
          target = next;
          complete = receivers.filter((r) => r.count >= target).length;
          onComplete = finishIfDone;
          finishIfDone();
        };
        const pump = () => {
          while (!stopped && next - acked < spec.window) {
            const now = performance.now();
            if (next >= to || now - t0 >= budgetMs) return stop();
            const i = next++;
            sentAt[i] = now;
            sender.send(updates[i]!, (error) => {
              if (error !== undefined) return fail(`update ${i} refused: ${error}`);
              lastAckAt = performance.now();
              rtt[i] = lastAckAt - sentAt[i]!;
              acked++;
              progress++;
              if (stopped) finishIfDone();
              else pump();
            });
          }
        };
        pump();
      });

    const hardLimit = setTimeout(
      () => fail(`run exceeded its hard limit: ${describe()}`),
      spec.warmupBudgetMs + spec.budgetMs + 4 * spec.stallMs,
    );
    try {
      const warm = await runPhase(0, Math.min(spec.warmup, limit), spec.warmupBudgetMs);
      post({ type: 'mark', id, phase: 'start' });
      const cpu = process.cpuUsage();
      const elu = performance.eventLoopUtilization();
      const measured = await runPhase(warm.to, limit, spec.budgetMs);
      const cpuSpent = process.cpuUsage(cpu);
      const eluSpent = performance.eventLoopUtilization(elu);
      post({ type: 'mark', id, phase: 'end' });

      await new Promise((resolve) => setTimeout(resolve, LATE_DELIVERY_GRACE_MS));
      if (failure) throw failure;
      const verified = verify(spec.relay, edits, receivers, measured.to);
      const rtts = rtt.slice(measured.from, measured.to).sort();
      let bytes = 0;
      for (let i = measured.from; i < measured.to; i++) bytes += updates[i]!.byteLength;
      return {
        sent: measured.to - measured.from,
        total: measured.to,
        elapsedMs: measured.elapsedMs,
        acksMs: measured.acksMs,
        ackP50Ms: percentile(rtts, 0.5),
        ackP99Ms: percentile(rtts, 0.99),
        ackMaxMs: rtts[rtts.length - 1] ?? Number.NaN,
        bytes,
        clientCpuMs: (cpuSpent.user + cpuSpent.system) / 1000,
        clientElu: eluSpent.utilization,
        verified,
      };
    } finally {
      clearTimeout(hardLimit);
    }
  } finally {
    clearInterval(watchdog);
    for (const conn of conns) conn.close();
  }
}

/**
 * Exact checks after a run: every receiver got every update exactly once (no loss, no
 * duplicates), and receiver 0's copy is right: byte for byte and in order for the plain relays;
 * for Drawbridge, which relays what its own doc integrated, by rebuilding the document.
 */
function verify(relay: RelayKind, edits: Edits, receivers: Receiver[], total: number): string {
  let expectedBytes = 0;
  for (let i = 0; i < total; i++) expectedBytes += edits.updates[i]!.byteLength;
  receivers.forEach((r, k) => {
    if (r.count !== total) {
      throw new Error(
        `${relay}: receiver ${k} got ${r.count} deliveries for ${total} updates sent`,
      );
    }
  });
  const payloads = receivers[0]!.payloads!;
  if (relay !== 'drawbridge') {
    receivers.forEach((r, k) => {
      if (r.bytes !== expectedBytes) {
        throw new Error(`${relay}: receiver ${k} got ${r.bytes} bytes, ${expectedBytes} were sent`);
      }
    });
    payloads.forEach((payload, i) => {
      if (!Buffer.from(toBytes(payload)).equals(edits.updates[i]!)) {
        throw new Error(`${relay}: receiver 0's delivery ${i} differs from update ${i}`);
      }
    });
    return `${receivers.length}x${total} deliveries, exact bytes and order`;
  }
  receivers.forEach((r, k) => {
    if (r.bytes !== receivers[0]!.bytes) {
      throw new Error(
        `drawbridge: receiver ${k} got ${r.bytes} bytes, receiver 0 ${receivers[0]!.bytes}`,
      );
    }
  });
  const doc = new Y.Doc();
  let identical = 0;
  try {
    payloads.forEach((payload, i) => {
      const bytes = toBytes(payload);
      if (Buffer.from(bytes).equals(edits.updates[i]!)) identical++;
      Y.applyUpdate(doc, bytes);
    });
    const clock = Y.getState(doc.store, EDITOR_CLIENT_ID);
    const shapes = doc.getMap('shapes').size;
    const pending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
    if (clock !== edits.clocks[total - 1] || shapes !== edits.shapeCounts[total - 1] || pending) {
      throw new Error(
        `drawbridge: rebuilt doc has clock ${clock}, ${shapes} shapes, pending ${pending}; ` +
          `expected clock ${edits.clocks[total - 1]}, ${edits.shapeCounts[total - 1]} shapes`,
      );
    }
  } finally {
    doc.destroy();
  }
  return (
    `${receivers.length}x${total} deliveries, doc rebuilt exactly` +
    ` (${identical === total ? 'all' : `${identical} of ${total}`} relays byte-identical)`
  );
}

let edits: Edits | null = null;

process.on('message', (message: ToChild) => {
  switch (message.type) {
    case 'init':
      edits = generateEdits(message.edits, message.seed);
      post({ type: 'ready', edits: edits.stats });
      return;
    case 'run': {
      const { id, spec } = message;
      if (edits === null) {
        post({ type: 'error', id, message: 'run before init' });
        return;
      }
      runRelay(id, spec, edits).then(
        (result) => post({ type: 'result', id, result }),
        (error: unknown) =>
          post({
            type: 'error',
            id,
            message: error instanceof Error ? error.message : String(error),
            ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
          }),
      );
      return;
    }
    case 'exit':
      process.disconnect();
      process.exit(0);
  }
});

// The orchestrator is gone (crash, Ctrl-C): nothing left to do.
process.on('disconnect', () => process.exit(0));
