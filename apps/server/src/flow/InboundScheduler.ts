import { type EventLoopUtilization, performance } from 'node:perf_hooks';

/** A connection whose reading can be paused (its transport stops reading from the network). */
export interface FlowControl {
  pause(): void;
  resume(): void;
  /** Holds the connection's writes until `uncork`, to send them in one syscall. */
  cork?(): void;
  uncork?(): void;
}

interface Inbox {
  items: (() => void)[];
  flow: FlowControl;
  paused: boolean;
}

export interface InboundSchedulerOptions {
  /** Handler work per slice; then other I/O gets its turn. */
  sliceMs?: number;
  /** The longest slice, when many connections are waiting (see `#budget`). */
  maxSliceMs?: number;
  /** Messages taken from one connection before moving to the next (round robin). */
  perTurn?: number;
  /** Queued messages at which a connection stops being read, and at which it resumes. */
  highWater?: number;
  lowWater?: number;
}

/** Connections waiting at once beyond which a slice may grow (see `#budget`). */
const MANY_WAITING = 16;

/**
 * Fairness between connections: inbound messages wait in a queue per connection and are handled
 * round robin in slices of a few milliseconds, so one connection pipelining thousands of
 * messages cannot hold everyone else's for the whole burst. A connection whose queue grows past
 * `highWater` stops being read (backpressure reaches its sender through TCP) until it drains.
 */
export class InboundScheduler {
  readonly #inboxes = new Map<string, Inbox>();
  /** Connections with queued messages, in round-robin order. */
  #ready: string[] = [];
  /** A slice is scheduled or running. */
  #scheduled = false;
  /** A slice is running: its handlers run as next ticks until it ends. */
  #running = false;
  /** Messages the connection at the head of the line has had in its current turn. */
  #turn = 0;
  /** Work to run when the running slice ends (`defer`). */
  #deferred: (() => void)[] = [];
  /** Connections corked during the running slice: what it answers them goes out at its end. */
  #corked = new Map<string, FlowControl>();
  readonly #sliceMs: number;
  readonly #maxSliceMs: number;
  /** Event-loop use when the last slice ended: what ran since is other work. */
  #afterSlice: EventLoopUtilization | null = null;
  readonly #perTurn: number;
  readonly #highWater: number;
  readonly #lowWater: number;

  constructor(options: InboundSchedulerOptions = {}) {
    this.#sliceMs = options.sliceMs ?? 4;
    this.#maxSliceMs = Math.max(this.#sliceMs, options.maxSliceMs ?? 25);
    this.#perTurn = options.perTurn ?? 1;
    this.#highWater = options.highWater ?? 256;
    this.#lowWater = options.lowWater ?? 32;
  }

  /** Queues `handle` behind the connection's earlier messages. */
  enqueue(connection: string, flow: FlowControl, handle: () => void): void {
    let inbox = this.#inboxes.get(connection);
    if (!inbox) {
      inbox = { items: [], flow, paused: false };
      this.#inboxes.set(connection, inbox);
    }
    inbox.flow = flow;
    if (inbox.items.length === 0) this.#ready.push(connection);
    inbox.items.push(handle);
    if (!inbox.paused && inbox.items.length >= this.#highWater) {
      inbox.paused = true;
      inbox.flow.pause();
    }
    this.#schedule();
  }

  /** The connection closed: its queued messages are dropped. */
  forget(connection: string): void {
    this.#inboxes.delete(connection);
  }

  /** Messages waiting, over every connection (metrics, tests). */
  get queued(): number {
    let count = 0;
    for (const inbox of this.#inboxes.values()) count += inbox.items.length;
    return count;
  }

  /**
   * Runs `work` once the handlers of the current slice have run (or on the next tick outside a
   * slice): what they produced for the same board goes out together, encoded once.
   */
  defer(work: () => void): void {
    if (this.#running) this.#deferred.push(work);
    else process.nextTick(work);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#running = true;
      this.#step(performance.now() + this.#budget(), true);
    });
  }

  /**
   * The slice's budget. With a few connections waiting, the base: short slices keep reading the
   * network, so a quiet connection's message is not stuck behind a flooding one's. With many
   * waiting (a reconnect storm, a thousand editors), everyone in line is served round robin
   * within the slice anyway, and what a short slice would leave to the next loop turn is their
   * own messages, behind the acks and writes their earlier ones caused: then a slice may run as
   * long as the loop was busy elsewhere since the last one (idle time does not count), up to
   * the maximum, so inbound messages keep about half of a busy loop.
   */
  #budget(): number {
    if (!this.#afterSlice || this.#ready.length <= MANY_WAITING) return this.#sliceMs;
    const busyElsewhere = performance.eventLoopUtilization(this.#afterSlice).active;
    return Math.min(this.#maxSliceMs, Math.max(this.#sliceMs, busyElsewhere));
  }

  /**
   * Releases one message, then the next on the following tick. Socket.IO runs an event's
   * handler on the tick after its middleware lets it through, so releasing a whole slice at once
   * would only queue the handlers and run them all after the slice, its time budget unspent;
   * stepping tick by tick puts each handler's work inside the slice that released it.
   */
  #step(deadline: number, first: boolean): void {
    let connection: string;
    let inbox: Inbox | undefined;
    for (;;) {
      // At least one message per slice, however short the slice.
      if (this.#ready.length === 0 || (!first && performance.now() >= deadline)) {
        this.#endSlice();
        return;
      }
      connection = this.#ready[0]!;
      inbox = this.#inboxes.get(connection);
      if (inbox && inbox.items.length > 0) break;
      // A connection that closed (or was drained) since it got in line.
      this.#ready.shift();
      this.#turn = 0;
    }
    const handle = inbox.items.shift()!;
    if (inbox.flow.cork && !this.#corked.has(connection)) {
      inbox.flow.cork();
      this.#corked.set(connection, inbox.flow);
    }
    if (inbox.paused && inbox.items.length <= this.#lowWater) {
      inbox.paused = false;
      inbox.flow.resume();
    }
    if (inbox.items.length === 0 || ++this.#turn >= this.#perTurn) {
      // Its turn is over: to the back of the line, or out of it when nothing is left.
      this.#ready.shift();
      this.#turn = 0;
      if (inbox.items.length > 0) this.#ready.push(connection);
      else if (this.#inboxes.get(connection) === inbox) this.#inboxes.delete(connection);
    }
    try {
      handle();
    } finally {
      process.nextTick(() => this.#step(deadline, false));
    }
  }

  #endSlice(): void {
    this.#afterSlice = performance.eventLoopUtilization();
    this.#running = false;
    this.#scheduled = false;
    const deferred = this.#deferred;
    this.#deferred = [];
    const corked = this.#corked;
    this.#corked = new Map();
    try {
      for (const work of deferred) work();
    } finally {
      for (const flow of corked.values()) flow.uncork?.();
      if (this.#ready.length > 0) this.#schedule();
    }
  }
}
