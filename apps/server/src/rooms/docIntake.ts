import { holdsPending, skipFreeParts } from '@drawbridge/protocol';
import * as Y from 'yjs';
import type { Logger } from '../logger.js';

/**
 * Applies a stored record to a board's doc, scanned as a member's update is, except that a gap
 * in a client's content (a snapshot over records stored out of order, see `buildSnapshot`) is
 * read as the parts on either side of it (`skipFreeParts`). A record that passed its checksum
 * yet does not decode means a bug, not bit rot: it is skipped (and logged) rather than make the
 * whole board unloadable; members resend what they hold.
 */
export function applyStoredRecord(
  doc: Y.Doc,
  update: Uint8Array,
  log: { logger: Logger; boardId: string; index?: number | undefined },
): void {
  try {
    for (const part of skipFreeParts(update)) Y.applyUpdate(doc, part, 'storage');
  } catch (error) {
    log.logger.error(
      { boardId: log.boardId, index: log.index, err: error },
      'stored update does not decode; skipped',
    );
  }
}

/**
 * Yjs parks structs whose dependencies are missing and later runs `mergeUpdates` over them,
 * which hostile input can hang. The dependency check should make this unreachable; if a client
 * update still left something pending, it is dropped (and logged): the client resends after a
 * rejoin.
 */
export function dropPendingStructs(doc: Y.Doc, logger: Logger, boardId: string): void {
  const store = doc.store;
  if (!holdsPending(store)) return;
  logger.warn({ boardId }, 'dropped pending structs of a client update');
  store.pendingStructs = null;
  store.pendingDs = null;
}
