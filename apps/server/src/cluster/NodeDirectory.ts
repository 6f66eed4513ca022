import { randomBytes } from 'node:crypto';
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
  /**
   * A node died (silent too long), left (`bye`), or its process was restarted under the same id
   * (a heartbeat from another instance): drop what it owned.
   */
  onGone: (nodeId: string, reason: GoneReason) => void;
  /**
   * A node not counted alive is heard: a new one, one found silent that was cut off from Redis
   * or stalled (not dead), or a restarted one. What was dropped of it may be asked for again.
   */
  onArrived?: (nodeId: string) => void;
  /** This process's instance id (default: random). */
  instance?: string;
}

export type GoneReason = 'silent' | 'bye' | 'restarted';

/**
 * Which other nodes are alive, from their heartbeats (and any other message they send). A node
 * that falls silent for `deadAfterMs` is gone: its members' cursors vanish everywhere, and what
 * it published but never confirmed stored is stored by the others.
 */
export class NodeDirectory {
  readonly #options: NodeDirectoryOptions;
  readonly #lastHeard = new Map<string, number>();
  /** The instance each node's heartbeats last named. */
  readonly #instances = new Map<string, string>();
  readonly #instance: string;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: NodeDirectoryOptions) {
    this.#options = options;
    this.#instance = options.instance ?? randomBytes(8).toString('hex');
    options.bus.onNodeMessage((message) => {
      if (message.type === 'bye') {
        this.#gone(message.node, 'bye');
        return;
      }
      const { node, instance } = message;
      if (instance !== undefined) {
        const known = this.#instances.get(node);
        this.#instances.set(node, instance);
        // The process that had this id died (kill -9, a crash) and another took its place before
        // it was found silent: its members are gone, and so is what it had not stored.
        if (known !== undefined && known !== instance) this.#gone(node, 'restarted');
      }
      this.heard(node);
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
      bus.publishNode({
        type: 'heartbeat',
        node: bus.nodeId,
        instance: this.#instance,
        ...(config ? { config } : {}),
      });
      this.#sweep();
    };
    beat();
    this.#timer = setInterval(beat, heartbeatMs);
    this.#timer.unref();
  }

  /** Any message from `nodeId` proves it alive. */
  heard(nodeId: string): void {
    const arrived = !this.#lastHeard.has(nodeId);
    this.#lastHeard.set(nodeId, this.#options.clock.now());
    if (arrived) this.#options.onArrived?.(nodeId);
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

  #gone(nodeId: string, reason: GoneReason): void {
    this.#lastHeard.delete(nodeId);
    // A restarted node's new instance is the one known now.
    if (reason !== 'restarted') this.#instances.delete(nodeId);
    this.#options.onGone(nodeId, reason);
  }
}
