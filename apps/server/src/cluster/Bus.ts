import type { BoardMessage, NodeMessage } from './messages.js';

/**
 * Messages between the nodes of a cluster. Delivery is at most once and may stop altogether
 * (a Redis outage): nothing may depend on a message arriving. What must converge is repaired
 * from storage (`BoardLog.catchUp`); the bus only makes it fast.
 */
export interface ClusterBus {
  readonly nodeId: string;
  /**
   * Starts receiving the board's messages. Resolves once subscribed: every message published
   * after that reaches `handler` (if delivered at all).
   */
  subscribeBoard(boardId: string, handler: (message: BoardMessage) => void): Promise<void>;
  unsubscribeBoard(boardId: string): Promise<void>;
  /** Fire and forget; dropped while the bus is down. */
  publishBoard(message: BoardMessage): void;
  publishNode(message: NodeMessage): void;
  onNodeMessage(handler: (message: NodeMessage) => void): void;
  /**
   * Called after the bus came back from an outage, once subscriptions are restored and messages
   * can be published again; and after its first connection when boards were subscribed before
   * it (the node started while the bus was down).
   */
  onReconnect(handler: () => void): void;
  /** True while connected. */
  readonly connected: boolean;
  /** Resolves when the bus answers (readiness); throws otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
