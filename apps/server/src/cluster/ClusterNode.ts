import type { Clock } from '../clock.js';
import type { BatchBoundary } from '../flow/batchBoundary.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { BoardRoom } from '../rooms/BoardRoom.js';
import { BoardReplica } from './BoardReplica.js';
import type { ClusterBus } from './Bus.js';
import { ConfigAgreement, configFingerprint, type SharedSettings } from './ConfigAgreement.js';
import type { BoardMessage } from './messages.js';
import { type GoneReason, NodeDirectory } from './NodeDirectory.js';
import type { NoticeTimer } from './noticeTimer.js';

export interface ClusterNodeOptions {
  bus: ClusterBus;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  heartbeatMs?: number;
  deadAfterMs?: number;
  /** When a batch of a board's messages ends (default: the next tick). */
  batchBoundary?: BatchBoundary;
  /** How long a commit notice waits for an update to ride on (see `BoardReplica`). */
  noticeTimer?: NoticeTimer | null;
  /** How long a busy board's next message waits after a burst (see `BusyHold`; default 0). */
  busyHoldMs?: number;
  /** The settings every node must share, announced and compared (see `ConfigAgreement`). */
  sharedSettings?: SharedSettings;
}

/** What a board's load gets from the cluster: messages buffered until the room exists. */
export interface BoardSubscription {
  /** Binds the loaded room: buffered messages are replayed, then the room announces itself. */
  bind(room: BoardRoom): void;
}

const DEFAULT_HEARTBEAT_MS = 1000;
const DEFAULT_DEAD_AFTER_MS = 3000;
/** Nodes found silent or restarted whose dropped presence is remembered, the latest ones. */
const MAX_SILENT_NODES = 256;

/**
 * This node's place in the cluster: subscribes each board before it is loaded (so nothing
 * published between the load and the subscription is missed), gives each loaded room its
 * `BoardReplica`, tracks which nodes are alive, and after a bus outage catches every board up
 * from storage and re-announces its members' presence.
 */
export class ClusterNode {
  readonly bus: ClusterBus;
  readonly #options: ClusterNodeOptions;
  readonly #directory: NodeDirectory;
  readonly #agreement: ConfigAgreement | null;
  readonly #replicas = new Map<string, { room: BoardRoom; replica: BoardReplica }>();
  /** Nodes found silent or restarted, and the boards where their members' presence was dropped. */
  readonly #droppedPresence = new Map<string, Set<string>>();

  constructor(options: ClusterNodeOptions) {
    this.#options = options;
    this.bus = options.bus;
    const config = options.sharedSettings && configFingerprint(options.sharedSettings);
    this.#agreement = config
      ? new ConfigAgreement(config, options.logger, (n) => options.metrics?.configMismatches.set(n))
      : null;
    this.#directory = new NodeDirectory({
      bus: options.bus,
      clock: options.clock,
      heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      deadAfterMs: options.deadAfterMs ?? DEFAULT_DEAD_AFTER_MS,
      ...(config ? { config } : {}),
      onGone: (nodeId, reason) => this.#nodeGone(nodeId, reason),
      onArrived: (nodeId) => this.#nodeArrived(nodeId),
    });
    options.bus.onNodeMessage((message) => {
      options.metrics?.nodesAlive.set(this.#directory.alive.length);
      if (message.type === 'heartbeat') this.#agreement?.heard(message.node, message.config);
    });
    options.bus.onReconnect(() => this.#reconnected());
  }

  get nodeId(): string {
    return this.bus.nodeId;
  }

  start(): void {
    this.#directory.start();
  }

  /** Subscribes to the board's channel; resolves once subscribed, before the board is loaded. */
  async subscribe(boardId: string): Promise<BoardSubscription> {
    const buffered: BoardMessage[] = [];
    let bound: BoardReplica | null = null;
    await this.bus.subscribeBoard(boardId, (message) => {
      this.#directory.heard(message.node);
      if (bound) bound.handle(message);
      else buffered.push(message);
    });
    return {
      bind: (room) => {
        const replica = new BoardReplica({
          host: room,
          bus: this.bus,
          clock: this.#options.clock,
          logger: this.#options.logger,
          metrics: { adopted: (n) => this.#options.metrics?.adoptedUpdates.inc(n) },
          ...(this.#options.batchBoundary ? { batchBoundary: this.#options.batchBoundary } : {}),
          ...(this.#options.busyHoldMs ? { busyHoldMs: this.#options.busyHoldMs } : {}),
          ...(this.#options.noticeTimer !== undefined
            ? { noticeTimer: this.#options.noticeTimer }
            : {}),
        });
        room.attachReplica(replica);
        this.#replicas.set(boardId, { room, replica });
        for (const message of buffered.splice(0)) replica.handle(message);
        bound = replica;
        replica.announce();
      },
    };
  }

  /** The board was unloaded (or its load failed). */
  async unsubscribe(boardId: string): Promise<void> {
    this.#replicas.delete(boardId);
    await this.bus.unsubscribeBoard(boardId);
  }

  /** Periodic upkeep: forget remote updates their live node is responsible for. */
  sweep(): void {
    for (const { replica } of this.#replicas.values()) replica.forgetStale();
  }

  /** Leaves the cluster: the others drop this node's members' presence at once. */
  async close(): Promise<void> {
    for (const { replica } of this.#replicas.values()) replica.flush();
    this.#directory.stop();
    await this.bus.close();
  }

  #nodeGone(nodeId: string, reason: GoneReason): void {
    this.#options.logger.info({ node: nodeId, reason }, 'node left the cluster');
    this.#options.metrics?.nodesAlive.set(this.#directory.alive.length);
    this.#agreement?.forget(nodeId);
    const dropped = new Set<string>();
    for (const [boardId, { room, replica }] of this.#replicas) {
      if (room.dropNode(nodeId) > 0) dropped.add(boardId);
      replica.nodeGone(nodeId).catch((error: unknown) => {
        this.#options.logger.error(
          { boardId, node: nodeId, err: error },
          'could not store the updates of a node that left; a rejoin retries',
        );
      });
    }
    if (reason !== 'bye' && dropped.size > 0) {
      this.#droppedPresence.set(nodeId, dropped);
      // Nodes that never come back (a pod replaced under a new id) are forgotten in time.
      if (this.#droppedPresence.size > MAX_SILENT_NODES) {
        this.#droppedPresence.delete(this.#droppedPresence.keys().next().value!);
      }
    }
  }

  /**
   * A node is heard that was not counted alive. One found silent (cut off from Redis, or
   * stalled) or restarted: the boards where its members' presence was dropped ask for it again
   * (a restarted node's new members may have spoken before its first heartbeat). A node that
   * found this one silent does the same once it hears it again.
   */
  #nodeArrived(nodeId: string): void {
    const boards = this.#droppedPresence.get(nodeId);
    if (!boards) return;
    this.#options.logger.info({ node: nodeId }, 'node is back in the cluster');
    this.#droppedPresence.delete(nodeId);
    for (const boardId of boards) this.#replicas.get(boardId)?.replica.announce();
  }

  #reconnected(): void {
    for (const [boardId, { room, replica }] of this.#replicas) {
      room.catchUpNow().catch((error: unknown) => {
        this.#options.logger.warn({ boardId, err: error }, 'catch-up after reconnect failed');
      });
      replica.announce();
    }
  }
}
