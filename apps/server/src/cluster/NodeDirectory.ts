import type { Clock } from '../clock.js';
import type { ClusterBus } from './Bus.js';
import type { ConfigFingerprint } from './ConfigAgreement.js';

export interface NodeDirectoryOptions {
  bus: ClusterBus;
  clock: Clock;
  /** How often this node says it is alive. */
  heartbeatMs: number;
  /** Silence after which another node counts as dead. */
  deadAfterMs: number;
  /** What every heartbeat says of this node's shared settings (see `ConfigAgreement`). */
  config?: ConfigFingerprint;
  /** A node died (silent too long) or left (`bye`): drop what it owned. */
  onGone: (nodeId: string, reason: 'silent' | 'bye') => void;
}

/**
 * Which other nodes are alive, from their heartbeats (and any other message they send). A node
 * that falls silent for `deadAfterMs` is gone: its members' cursors vanish everywhere, and what
 * it published but never confirmed stored is stored by the others.
 */
export class NodeDirectory {
  readonly #options: NodeDirectoryOptions;
  readonly #lastHeard = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;

  constructor(options: NodeDirectoryOptions) {
    this.#options = options;
    options.bus.onNodeMessage((message) => {
      if (message.type === 'bye') this.#gone(message.node, 'bye');
      else this.heard(message.node);
    });
  }

  /** Other nodes currently alive. */
  get alive(): string[] {
    return [...this.#lastHeard.keys()];
  }

  start(): void {
    if (this.#timer) return;
    const { bus, heartbeatMs } = this.#options;
    const beat = () => {
      const { config } = this.#options;
      bus.publishNode({ type: 'heartbeat', node: bus.nodeId, ...(config ? { config } : {}) });
      this.#sweep();
    };
    beat();
    this.#timer = setInterval(beat, heartbeatMs);
    this.#timer.unref();
  }

  /** Any message from `nodeId` proves it alive. */
  heard(nodeId: string): void {
    this.#lastHeard.set(nodeId, this.#options.clock.now());
  }

  /** Stops heartbeats and tells the others this node leaves. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const { bus } = this.#options;
    bus.publishNode({ type: 'bye', node: bus.nodeId });
  }

  #sweep(): void {
    const deadline = this.#options.clock.now() - this.#options.deadAfterMs;
    for (const [node, at] of this.#lastHeard) if (at < deadline) this.#gone(node, 'silent');
  }

  #gone(nodeId: string, reason: 'silent' | 'bye'): void {
    this.#lastHeard.delete(nodeId);
    this.#options.onGone(nodeId, reason);
  }
}
