import { BinaryFormatError, scanStateVector, scanUpdate } from '@drawbridge/protocol';
import type { Logger } from '../logger.js';
import { type DeletedRanges, deletedRanges } from '../rooms/addsNothing.js';
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
 * (the holder's next notice tells its head), and so does every later load. The request also
 * carries the asker's delete set, so that a holder with nothing to add stores nothing: the
 * asker cannot tell when it is whole, and asks again for as long as it holds the board.
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
      deletes: host.damage.deletes(),
    });
  }

  /**
   * Another node lacks what damaged records held: stores what this node holds beyond it
   * (`stateVector` and, from nodes of this version on, `deletes`).
   */
  answer(node: string, stateVector: Uint8Array, deletes?: Uint8Array): void {
    const { host, logger } = this.deps;
    let held: DeletedRanges | undefined;
    try {
      scanStateVector(stateVector);
      if (deletes) {
        const scanned = scanUpdate(deletes);
        if (scanned.structCount > 0) throw new BinaryFormatError('repair deletes hold structs');
        held = deletedRanges(scanned.deletes);
      }
    } catch (error) {
      if (!(error instanceof BinaryFormatError)) throw error;
      logger.warn({ boardId: host.boardId, node, err: error }, 'malformed repair request');
      return;
    }
    void host.damage.storeBeyond(stateVector, held).then((stored) => {
      if (stored) this.deps.stored();
    });
  }
}
