/** Messages between the bench orchestrator (run.ts) and its load-generator child (clients.ts). */

/** The relays the bench compares; also the order of the first round. */
export const RELAY_KINDS = ['raw-ws', 'sio-default', 'sio-msgpack', 'drawbridge'] as const;
export type RelayKind = (typeof RELAY_KINDS)[number];

/** One measured relay run, as the orchestrator asks the child for it. */
export interface RunSpec {
  relay: RelayKind;
  /** http://127.0.0.1:port for Socket.IO relays, ws://127.0.0.1:port for raw ws. */
  url: string;
  boardId: string;
  receivers: number;
  /** Unacked updates the sender keeps in flight. */
  window: number;
  /** Updates sent (and fully delivered) before measuring; also bounded by warmupBudgetMs. */
  warmup: number;
  warmupBudgetMs: number;
  /** Updates in the measured phase, unless budgetMs runs out first. */
  count: number;
  budgetMs: number;
  /** A run that makes no progress (no ack, no delivery) for this long fails. */
  stallMs: number;
}

export interface EditStats {
  count: number;
  minBytes: number;
  p50Bytes: number;
  maxBytes: number;
  meanBytes: number;
  generateMs: number;
}

export interface RunResult {
  /** Updates sent in the measured phase (each delivered to every receiver). */
  sent: number;
  /** Updates sent in the whole run, warm-up included. */
  total: number;
  /** First measured send to the last delivery at the last receiver. */
  elapsedMs: number;
  /** First measured send to the last ack. */
  acksMs: number;
  ackP50Ms: number;
  ackP99Ms: number;
  ackMaxMs: number;
  /** Payload bytes sent in the measured phase. */
  bytes: number;
  /** CPU time of the client process during the measured phase (user + system). */
  clientCpuMs: number;
  /** Event-loop utilization of the client process during the measured phase (0..1). */
  clientElu: number;
  /** What was checked after the run, in words. */
  verified: string;
}

export type ToChild =
  | { type: 'init'; edits: number; seed: number }
  | { type: 'run'; id: number; spec: RunSpec }
  | { type: 'exit' };

export type FromChild =
  | { type: 'ready'; edits: EditStats }
  | { type: 'mark'; id: number; phase: 'start' | 'end' }
  | { type: 'result'; id: number; result: RunResult }
  | { type: 'error'; id: number; message: string; stack?: string };
