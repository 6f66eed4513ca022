import { BinaryFormatError, scanStateVector } from '@drawbridge/protocol';
import type { Logger } from '../logger.js';
import type { StoredDamage } from '../rooms/StoredDamage.js';
import type { ClusterBus } from './Bus.js';

export interface RepairHost {
  readonly boardId: string;
  readonly damage: StoredDamage;
}

/**
 * The cluster's part of `StoredDamage`: a node that loaded a board after some of its records
 * were damaged lacks what they held, while nodes that loaded it before hold it in memory, and
 * would serve a different board until they unload. So a node that reads damaged records asks
 * the board's other holders (`repair`, with its state vector), and each stores what it holds
 * beyond that as a record of its own: the asking node then reads it as any record it missed
 * (the holder's next notice tells its head), and so does every later load.
 */
export class DamageRepair {
  constructor(
    private readonly deps: {
      host: RepairHost;
      bus: ClusterBus;
      logger: Logger;
      /** A record of this node's was stored outside its messages: the others must learn it. */
      stored: () => void;
    },
  ) {
    deps.host.damage.askOthers = () => this.request();
  }

  /** This node read damaged records of the board: asks the other holders for what it lacks. */
  request(): void {
    const { host, bus, logger } = this.deps;
    logger.warn({ boardId: host.boardId }, 'read damaged records: asking the other nodes');
    bus.publishBoard({
      type: 'repair',
      node: bus.nodeId,
      boardId: host.boardId,
      stateVector: host.damage.stateVector(),
    });
  }

  /** Another node lacks what damaged records held: stores what this node holds beyond it. */
  answer(node: string, stateVector: Uint8Array): void {
    const { host, logger } = this.deps;
    try {
      scanStateVector(stateVector);
    } catch (error) {
      if (!(error instanceof BinaryFormatError)) throw error;
      logger.warn({ boardId: host.boardId, node, err: error }, 'malformed repair request');
      return;
    }
    void host.damage.storeBeyond(stateVector).then((stored) => {
      if (stored) this.deps.stored();
    });
  }
}
