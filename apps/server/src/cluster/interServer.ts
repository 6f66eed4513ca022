/**
 * Commands between the nodes of a cluster that act on sockets, sent with Socket.IO's
 * `serverSideEmit` over the Redis adapter (board traffic goes over the cluster bus instead).
 * Like the bus, delivery is at most once: storage stays the truth (a revoked link is refused
 * on every join whether or not the push arrived); the push only makes it take effect at once.
 */
import { isValidBoardId } from '@drawbridge/protocol';
import type { Revocation } from '../auth/revocation.js';

/** One board a node holds: its members there, and its name as that node's copy has it. */
export interface CensusEntry {
  boardId: string;
  members: number;
  name: string;
}

export interface InterServerEvents {
  /** Remove this node's sockets whose link the revocation revokes. */
  'links:revoked': (revocation: Revocation) => void;
  /**
   * The board is being deleted: remove its members, drop its copy without storing anything,
   * and refuse joins of it for a while; answer once done, with how many members were removed.
   */
  'board:delete': (
    request: { boardId: string },
    ack: (answer: { members: number }) => void,
  ) => void;
  /** Answer the boards this node holds. */
  'boards:census': (ack: (answer: CensusEntry[]) => void) => void;
}

const MAX_CENSUS = 1_000_000;

/** Another node's census answer, checked; entries that are malformed are dropped. */
export function readCensus(value: unknown): CensusEntry[] {
  if (!Array.isArray(value) || value.length > MAX_CENSUS) return [];
  return value.filter(
    (entry): entry is CensusEntry =>
      typeof entry === 'object' &&
      entry !== null &&
      isValidBoardId((entry as CensusEntry).boardId) &&
      Number.isSafeInteger((entry as CensusEntry).members) &&
      (entry as CensusEntry).members >= 0 &&
      typeof (entry as CensusEntry).name === 'string',
  );
}

export function readDeleteRequest(value: unknown): { boardId: string } | null {
  const boardId = (value as { boardId?: unknown } | null)?.boardId;
  return isValidBoardId(boardId) ? { boardId } : null;
}
