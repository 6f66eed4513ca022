/** Shared pieces of the room unit tests: deps over a MemoryStorage and a recording sink. */
import { DEFAULT_LIMITS } from '@drawbridge/protocol';
import * as Y from 'yjs';
import { systemClock } from '../../clock.js';
import { silentLogger } from '../../logger.js';
import type { Storage } from '../../storage/Storage.js';
import type { BoardRoomDeps } from '../BoardRoomDeps.js';
import type { RelaySink } from '../Outbox.js';

export interface Relayed {
  event: 'doc' | 'awareness';
  boardId: string;
  update: Uint8Array;
  except: string | null;
}

/** A sink that records every relay, as this node's sockets would receive them. */
export function recordingSink(): RelaySink & { relayed: Relayed[] } {
  const relayed: Relayed[] = [];
  return {
    relayed,
    doc: (boardId, update, except) => relayed.push({ event: 'doc', boardId, update, except }),
    awareness: (boardId, update, except) =>
      relayed.push({ event: 'awareness', boardId, update, except }),
  };
}

export const roomDeps = (
  storage: Storage,
  overrides: Partial<BoardRoomDeps> = {},
): BoardRoomDeps => ({
  storage,
  logger: silentLogger,
  limits: { ...DEFAULT_LIMITS },
  compactEvery: 1000,
  clock: systemClock,
  relay: recordingSink(),
  gapGraceMs: 1,
  ...overrides,
});

/** Captures each update a client doc produces. */
export function clientDoc() {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  return { doc, updates };
}

/** Resolves after the current event-loop turn's immediates (the outbox flush) ran. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
