/**
 * An in-memory bus for the sync fuzz test: every published message waits in a queue until the
 * test delivers it, drops it or delivers it twice, in whatever order its random schedule picks.
 */
import type { ClusterBus } from '../Bus.js';
import type { BoardMessage, NodeMessage } from '../messages.js';

interface InFlight {
  to: FuzzBus;
  message: BoardMessage | NodeMessage;
}

export class FuzzNetwork {
  readonly inFlight: InFlight[] = [];
  readonly buses: FuzzBus[] = [];

  bus(nodeId: string): FuzzBus {
    const bus = new FuzzBus(nodeId, this);
    this.buses.push(bus);
    return bus;
  }

  /** Queues `message` for every other bus that listens (board subscribers, or all nodes). */
  send(from: FuzzBus, message: BoardMessage | NodeMessage): void {
    for (const to of this.buses) {
      if (to === from || to.closed) continue;
      if ('boardId' in message && !to.boards.has(message.boardId)) continue;
      // A copy, as bytes over Redis would be: nobody may share buffers with the sender.
      this.inFlight.push({ to, message: structuredClone(message) });
    }
  }

  /**
   * Queues word to every open bus that `nodeId` is gone, as their heartbeat checks would find
   * a crashed node (the handling is the same as for its goodbye).
   */
  announceGone(nodeId: string): void {
    for (const to of this.buses) {
      if (!to.closed) this.inFlight.push({ to, message: { type: 'bye', node: nodeId } });
    }
  }

  /** Delivers (or drops) the message at `index`; with `twice`, delivers it twice. */
  deliver(index: number, mode: 'deliver' | 'drop' | 'twice'): void {
    const [item] = this.inFlight.splice(index, 1);
    if (!item || mode === 'drop') return;
    item.to.receive(item.message);
    if (mode === 'twice') item.to.receive(structuredClone(item.message));
  }
}

export class FuzzBus implements ClusterBus {
  readonly boards = new Map<string, (message: BoardMessage) => void>();
  readonly #nodeHandlers: ((message: NodeMessage) => void)[] = [];
  readonly #reconnectHandlers: (() => void)[] = [];
  closed = false;
  /** Cut off from Redis: nothing it publishes goes out, nothing reaches it. */
  #down = false;

  constructor(
    readonly nodeId: string,
    private readonly network: FuzzNetwork,
  ) {}

  get connected(): boolean {
    return !this.closed && !this.#down;
  }

  get down(): boolean {
    return this.#down;
  }

  /** Cuts the node off from Redis, or brings it back: then the node catches up (`onReconnect`). */
  set down(down: boolean) {
    const back = this.#down && !down;
    this.#down = down;
    if (back && !this.closed) for (const handler of this.#reconnectHandlers) handler();
  }

  async subscribeBoard(boardId: string, handler: (message: BoardMessage) => void): Promise<void> {
    this.boards.set(boardId, handler);
  }

  async unsubscribeBoard(boardId: string): Promise<void> {
    this.boards.delete(boardId);
  }

  publishBoard(message: BoardMessage): void {
    if (this.connected) this.network.send(this, message);
  }

  publishNode(message: NodeMessage): void {
    if (this.connected) this.network.send(this, message);
  }

  onNodeMessage(handler: (message: NodeMessage) => void): void {
    this.#nodeHandlers.push(handler);
  }

  onReconnect(handler: () => void): void {
    this.#reconnectHandlers.push(handler);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }

  receive(message: BoardMessage | NodeMessage): void {
    if (!this.connected) return;
    if ('boardId' in message) this.boards.get(message.boardId)?.(message);
    else for (const handler of this.#nodeHandlers) handler(message);
  }
}
