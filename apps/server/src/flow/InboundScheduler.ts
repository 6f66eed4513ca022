/** A connection whose reading can be paused (its transport stops reading from the network). */
export interface FlowControl {
  pause(): void;
  resume(): void;
}

interface Inbox {
  items: (() => void)[];
  flow: FlowControl;
  paused: boolean;
}

export interface InboundSchedulerOptions {
  /** Handler work per slice; then other I/O gets its turn. */
  sliceMs?: number;
  /** Messages taken from one connection before moving to the next (round robin). */
  perTurn?: number;
  /** Queued messages at which a connection stops being read, and at which it resumes. */
  highWater?: number;
  lowWater?: number;
}

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
  #scheduled = false;
  readonly #sliceMs: number;
  readonly #perTurn: number;
  readonly #highWater: number;
  readonly #lowWater: number;

  constructor(options: InboundSchedulerOptions = {}) {
    this.#sliceMs = options.sliceMs ?? 4;
    this.#perTurn = options.perTurn ?? 8;
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

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#slice();
    });
  }

  #slice(): void {
    const deadline = performance.now() + this.#sliceMs;
    let first = true;
    // At least one connection per slice, however short the slice.
    while (this.#ready.length > 0 && (first || performance.now() < deadline)) {
      first = false;
      const connection = this.#ready.shift()!;
      const inbox = this.#inboxes.get(connection);
      if (!inbox) continue;
      for (let n = 0; n < this.#perTurn && inbox.items.length > 0; n++) inbox.items.shift()!();
      if (inbox.paused && inbox.items.length <= this.#lowWater) {
        inbox.paused = false;
        inbox.flow.resume();
      }
      if (inbox.items.length > 0) this.#ready.push(connection);
      else if (this.#inboxes.get(connection) === inbox) this.#inboxes.delete(connection);
    }
    if (this.#ready.length > 0) this.#schedule();
  }
}
