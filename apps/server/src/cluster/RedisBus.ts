import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { withTimeout } from '../withTimeout.js';
import type { ClusterBus } from './Bus.js';
import {
  type BoardMessage,
  type BusMessage,
  decodeMessage,
  encodeMessage,
  type NodeMessage,
  senderOf,
} from './messages.js';
import { NodeIdClaim, NodeIdInUseError } from './NodeIdClaim.js';
import { REDIS_SOCKET_TIMEOUT_MS } from './redisTimeout.js';

export interface RedisBusOptions {
  url: string;
  nodeId: string;
  logger: Logger;
  /** Messages in and out, by type (metrics). */
  onMessage?: (direction: 'in' | 'out', type: BusMessage['type'], bytes: number) => void;
  /** Round trip of one publish (metrics). */
  onPublishLatency?: (seconds: number) => void;
  /**
   * Test hook: inbound board messages for which this returns true are dropped, as if Redis had
   * lost them. Never set outside tests.
   */
  dropInbound?: (message: BoardMessage) => boolean;
  /** Told when another live process takes this node's id, or lets it go (see `NodeIdClaim`). */
  onNodeIdLost?: (lost: boolean) => void;
}

const boardChannel = (boardId: string) => `drawbridge:board:{${boardId}}`;
const NODE_CHANNEL = 'drawbridge:nodes';

/**
 * How often the subscriber connections are pinged: they send nothing otherwise, so a hung
 * Redis would never time them out and the node would not know to catch up once Redis answers
 * again. The publisher needs none: node heartbeats go through it every second.
 */
const SUBSCRIBER_PING_MS = 1000;

/**
 * The bus over Redis 7 pub/sub: each board on its own sharded channel (SSUBSCRIBE), so a node
 * receives only the traffic of boards it holds; node heartbeats on one classic channel. One
 * connection publishes (each message written at once, never queued while Redis is down); the
 * boards' channels and the node channel are subscribed on a connection each, restored here
 * after a reconnect. Not one connection for both: Redis counts sharded and classic
 * subscriptions apart, so unsubscribing the last board answers "0 left" while the node channel
 * stands, and ioredis then takes the connection out of subscriber mode and drops every
 * heartbeat and goodbye that follows (the node took the others for silent seconds later, and
 * logged a "Command queue state error" per message) until it subscribed to a board again.
 */
export class RedisBus implements ClusterBus {
  readonly nodeId: string;
  readonly #pub: Redis;
  /** The boards' sharded channels. */
  readonly #sub: Redis;
  /** The node channel. */
  readonly #nodes: Redis;
  readonly #clients: readonly Redis[];
  readonly #options: RedisBusOptions;
  readonly #boards = new Map<string, (message: BoardMessage) => void>();
  readonly #nodeHandlers: ((message: NodeMessage) => void)[] = [];
  readonly #reconnectHandlers: (() => void)[] = [];
  /** Publishes not yet answered: `close` lets them out first (the `bye` among them). */
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #subscriberPing: NodeJS.Timeout;
  readonly #claim: NodeIdClaim;
  #everReady = false;
  /** Every held board's channel is subscribed on the current connection of `#sub`. */
  #resubscribed = false;
  /** Subscriptions were restored and the reconnect handlers have yet to run. */
  #catchUpDue = false;
  /** Counts the connections of `#sub`: a resubscribe overtaken by a newer one stops. */
  #subGeneration = 0;
  #closed = false;

  constructor(options: RedisBusOptions) {
    this.nodeId = options.nodeId;
    this.#options = options;
    const common = {
      lazyConnect: false,
      // Reconnect quickly and forever: the cluster repairs itself from storage after an outage.
      retryStrategy: (attempt: number) => Math.min(50 * attempt, 1000),
      maxRetriesPerRequest: 1,
      socketTimeout: REDIS_SOCKET_TIMEOUT_MS,
    };
    this.#pub = new Redis(options.url, {
      ...common,
      // Not auto-pipelined: ioredis would hold each publish until a later turn of the event
      // loop (setImmediate), behind whatever that turn runs first (a storage commit's hand-off
      // to its worker, say): in the cross-node bench, publish to the other node's handler took
      // 1.35-1.58 ms at p50 that way, 0.77-1.09 ms written at once. A board publishes once per
      // slice of handlers, before its local relay (BoardRoom), so the write starts the other
      // nodes' work while this one writes to its members.
      enableAutoPipelining: false,
      // Publishing into a queue while Redis is down would deliver stale messages later, and
      // grow without bound; drop them instead.
      enableOfflineQueue: false,
      connectionName: `drawbridge-pub-${options.nodeId}`,
    });
    this.#sub = new Redis(options.url, {
      ...common,
      // Subscriptions are restored by `#resubscribe`, which then tells the cluster to catch up:
      // in that order, so nothing published after the catch-up's read is missed.
      autoResubscribe: false,
      connectionName: `drawbridge-sub-${options.nodeId}`,
    });
    this.#nodes = new Redis(options.url, {
      ...common,
      autoResubscribe: false,
      connectionName: `drawbridge-nodes-${options.nodeId}`,
    });
    this.#clients = [this.#pub, this.#sub, this.#nodes];
    this.#claim = new NodeIdClaim(this.#pub, {
      nodeId: options.nodeId,
      logger: options.logger,
      ...(options.onNodeIdLost ? { onLost: options.onNodeIdLost } : {}),
    });
    for (const client of this.#clients) {
      client.on('error', (error: Error) => {
        if (!this.#closed) options.logger.warn({ err: error.message }, 'redis connection error');
      });
    }
    this.#sub.on('smessageBuffer', (channel: Buffer, payload: Buffer) =>
      this.#onBoard(channel, payload),
    );
    this.#nodes.on('messageBuffer', (_channel: Buffer, payload: Buffer) => this.#onNode(payload));
    this.#sub.on('ready', () => void this.#resubscribe());
    this.#sub.on('close', () => {
      this.#resubscribed = false;
    });
    this.#nodes.on('ready', () => void this.#subscribeNodes());
    // The connections come back one by one (each retries on its own schedule): the reconnect
    // handlers publish (presence announcements), so they wait for all of them.
    this.#pub.on('ready', () => this.#runCatchUp());
    this.#nodes.on('ready', () => this.#runCatchUp());
    this.#subscriberPing = setInterval(() => {
      for (const client of [this.#sub, this.#nodes]) {
        if (client.status === 'ready') client.ping().catch(() => undefined);
      }
    }, SUBSCRIBER_PING_MS);
    this.#subscriberPing.unref();
  }

  get connected(): boolean {
    return this.#clients.every((client) => client.status === 'ready');
  }

  async subscribeBoard(boardId: string, handler: (message: BoardMessage) => void): Promise<void> {
    this.#boards.set(boardId, handler);
    // While Redis is down a board still loads (and serves this node's members); it is
    // subscribed, and caught up from storage, when Redis is back.
    if (this.#sub.status !== 'ready') return;
    // Unanswered, the board loads anyway: what it misses until the subscribe lands, the
    // catch-up after a reconnect or the periodic gap check reads from storage.
    await this.#answer(this.#sub.ssubscribe(boardChannel(boardId)), 'SSUBSCRIBE').catch(
      (error: unknown) => {
        this.#options.logger.warn(
          { boardId, err: error },
          'subscribe failed; retried on reconnect',
        );
      },
    );
  }

  /** Resolves at once: messages for the board are ignored from now on, answered or not. */
  async unsubscribeBoard(boardId: string): Promise<void> {
    this.#boards.delete(boardId);
    if (this.#closed) return;
    this.#sub.sunsubscribe(boardChannel(boardId)).catch(() => undefined);
  }

  publishBoard(message: BoardMessage): void {
    this.#publish(boardChannel(message.boardId), message, true);
  }

  publishNode(message: NodeMessage): void {
    this.#publish(NODE_CHANNEL, message, false);
  }

  onNodeMessage(handler: (message: NodeMessage) => void): void {
    this.#nodeHandlers.push(handler);
  }

  onReconnect(handler: () => void): void {
    this.#reconnectHandlers.push(handler);
  }

  /**
   * Claims this node's id for this process (`NodeIdClaim`): throws `NodeIdInUseError` while
   * another live node uses it. Call once, before the node serves.
   */
  claimNodeId(): Promise<void> {
    return this.#claim.acquire();
  }

  async ping(): Promise<void> {
    if (this.#claim.lost) throw new NodeIdInUseError(this.nodeId);
    if (!this.connected) {
      const statuses = this.#clients.map((client) => client.status);
      throw new Error(`redis is ${statuses.join('/')}`);
    }
    await this.#answer(this.#pub.ping(), 'PING');
  }

  async close(): Promise<void> {
    clearInterval(this.#subscriberPing);
    // The last publishes (the `bye` among them) and the release of this node's id are answered
    // before QUIT closes the connection. A Redis that answers none of them in time is hung: no
    // QUIT then, just the disconnect.
    const last = [...this.#inFlight, this.#claim.release()];
    const answered = await this.#answer(Promise.allSettled(last), 'PUBLISH').then(
      () => true,
      () => false,
    );
    this.#closed = true;
    this.#boards.clear();
    if (answered) {
      const quits = this.#clients.map((client) => client.quit());
      await this.#answer(Promise.allSettled(quits), 'QUIT').catch(() => undefined);
    }
    for (const client of this.#clients) client.disconnect();
  }

  /** After every (re)connect of the node channel's connection. */
  async #subscribeNodes(): Promise<void> {
    try {
      await this.#answer(this.#nodes.subscribe(NODE_CHANNEL), 'SUBSCRIBE');
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'subscribe to the node channel failed');
      if (this.#nodes.status === 'ready' && !this.#closed) this.#nodes.disconnect(true);
    }
  }

  /** After every (re)connect of the boards' connection: every held board, then the catch-up. */
  async #resubscribe(): Promise<void> {
    this.#resubscribed = false;
    const generation = ++this.#subGeneration;
    const channels = [...this.#boards.keys()].map(boardChannel);
    try {
      // In slices: one SSUBSCRIBE with thousands of channels would be one huge command.
      for (let i = 0; i < channels.length; i += 500) {
        await this.#answer(this.#sub.ssubscribe(...channels.slice(i, i + 500)), 'SSUBSCRIBE');
        if (generation !== this.#subGeneration) return;
      }
    } catch (error) {
      if (generation !== this.#subGeneration) return;
      // The next 'ready' retries: the connection dropped again, or is made again here when
      // Redis left it unanswered (connected, it would never be 'ready' again by itself).
      this.#options.logger.warn({ err: error }, 'resubscribe failed');
      if (this.#sub.status === 'ready' && !this.#closed) this.#sub.disconnect(true);
      return;
    }
    // Also on the first connection when boards were loaded before it (the node started while
    // Redis was down): they were never subscribed, and their members never announced.
    if (this.#everReady || channels.length > 0) this.#catchUpDue = true;
    this.#everReady = true;
    this.#resubscribed = this.#sub.status === 'ready';
    this.#runCatchUp();
  }

  /** Runs the reconnect handlers once subscriptions are restored and every connection is up. */
  #runCatchUp(): void {
    if (!this.#catchUpDue || !this.#resubscribed || !this.connected || this.#closed) return;
    this.#catchUpDue = false;
    this.#options.logger.info({ boards: this.#boards.size }, 'redis bus reconnected');
    for (const handler of this.#reconnectHandlers) handler();
  }

  /** Redis's answer to `command`, or a rejection once the socket timeout has passed without it. */
  #answer<T>(command: Promise<T>, name: string): Promise<T> {
    return withTimeout(command, REDIS_SOCKET_TIMEOUT_MS, `redis: no answer to ${name}`);
  }

  #publish(channel: string, message: BusMessage, sharded: boolean): void {
    if (this.#closed || this.#pub.status !== 'ready') return;
    const bytes = Buffer.from(encodeMessage(message));
    this.#options.onMessage?.('out', message.type, bytes.byteLength);
    const started = process.hrtime.bigint();
    const sent = sharded ? this.#pub.spublish(channel, bytes) : this.#pub.publish(channel, bytes);
    const done = sent.then(
      () => this.#options.onPublishLatency?.(Number(process.hrtime.bigint() - started) / 1e9),
      () => undefined, // at most once: a publish lost with the connection is repaired from storage
    );
    this.#inFlight.add(done);
    void done.then(() => this.#inFlight.delete(done));
  }

  #onBoard(channel: Buffer, payload: Buffer): void {
    // Our own publishes come back to us: drop them before decoding.
    if (senderOf(payload) === this.nodeId) return;
    const message = decodeMessage(payload);
    if (!message || message.type === 'heartbeat' || message.type === 'bye') return;
    if (message.node === this.nodeId) return;
    // A message for a board we no longer hold (unsubscribe in flight) is ignored.
    const handler = this.#boards.get(message.boardId);
    if (!handler || channel.toString() !== boardChannel(message.boardId)) return;
    this.#options.onMessage?.('in', message.type, payload.byteLength);
    if (this.#options.dropInbound?.(message)) return;
    handler(message);
  }

  #onNode(payload: Buffer): void {
    if (senderOf(payload) === this.nodeId) return;
    const message = decodeMessage(payload);
    if (!message || (message.type !== 'heartbeat' && message.type !== 'bye')) return;
    if (message.node === this.nodeId) return;
    this.#options.onMessage?.('in', message.type, payload.byteLength);
    for (const handler of this.#nodeHandlers) handler(message);
  }
}
