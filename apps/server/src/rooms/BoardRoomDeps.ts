import type { Limits } from '@drawbridge/protocol';
import type { Clock } from '../clock.js';
import type { BatchBoundary } from '../flow/batchBoundary.js';
import type { Logger } from '../logger.js';
import type { Storage } from '../storage/Storage.js';
import type { BoardMemory } from './BoardMemory.js';
import type { BoardRoom } from './BoardRoom.js';
import type { BoardLoader } from './loading/BoardLoader.js';
import type { RelaySink } from './Outbox.js';

/** What a `BoardRoom` is given: storage, limits, where its output goes, and who to tell. */
export interface BoardRoomDeps {
  storage: Storage;
  logger: Logger;
  limits: Limits;
  compactEvery: number;
  /** See `BoardLogDeps.compactQuietMs`. */
  compactQuietMs?: number;
  /** See `BoardLogDeps.compactMaxWaitMs`. */
  compactMaxWaitMs?: number;
  clock: Clock;
  /** This node's sockets: where the room's batched relays go. */
  relay: RelaySink;
  /** When a batch of relays ends (default: the next tick). */
  batchBoundary?: BatchBoundary;
  /** How long a busy board's relays wait to go out together (see `Outbox`; default 0: never). */
  busyRelayHoldMs?: number;
  /** Delay before a gap in the log is read from storage (a notice may just be late). */
  gapGraceMs?: number;
  /** Records read from storage to repair gaps (metrics). */
  onRepaired?: (boardId: string, records: number) => void;
  /** What damaged records held was asked of the other nodes, or stored here (`StoredDamage`). */
  onDamageRepair?: (step: 'asked' | 'stored') => void;
  /** Prepares large boards off the event loop; without one, boards load in one piece. */
  loader?: BoardLoader | null;
  /** Told when a member changed the board and when its last member left (version history). */
  activity?: RoomActivity;
  /**
   * What the node's loaded boards hold, against a budget: past it, loads and updates that add
   * content are refused (`MemoryRefusal`). None: no budget.
   */
  memory?: BoardMemory | null;
}

export interface RoomActivity {
  edited(room: BoardRoom, memberId: string): void;
  emptied(room: BoardRoom): void;
}
