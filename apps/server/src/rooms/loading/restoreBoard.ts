import * as Y from 'yjs';
import type { Logger } from '../../logger.js';
import type { StoredBoard } from '../../storage/Storage.js';
import { type BoardLoader, DIRECT_LOAD_BYTES } from './BoardLoader.js';
import { inTurns } from './inTurns.js';

export interface RestoreDeps {
  boardId: string;
  logger: Logger;
  loader?: BoardLoader | null;
  /** Applies one stored record the safe way (scanned; a bad one is skipped and logged). */
  applyStored: (update: Uint8Array, index: number) => void;
}

/**
 * Applies a stored board to `doc` without holding the event loop: a large one is decoded and
 * cut into slices in a worker, and the slices (like the records of a small one) are applied a
 * few milliseconds at a time. Returns the whole board encoded, when the worker made it.
 */
export async function restoreBoard(
  doc: Y.Doc,
  stored: StoredBoard,
  deps: RestoreDeps,
): Promise<Uint8Array | null> {
  if (deps.loader && stored.bytes >= DIRECT_LOAD_BYTES) {
    try {
      const sliced = await deps.loader.slice(stored.updates);
      if (sliced.skipped > 0) {
        deps.logger.error(
          { boardId: deps.boardId, skipped: sliced.skipped },
          'stored updates do not decode; skipped',
        );
      }
      await inTurns(sliced.slices, (slice) => Y.applyUpdate(doc, slice, 'storage'));
      return sliced.state;
    } catch (error) {
      deps.logger.error(
        { boardId: deps.boardId, err: error },
        'sliced load failed; loading in one piece',
      );
    }
  }
  // Records are many and small: each stretch of them is applied in one transaction, so Yjs
  // tidies up (merges structs, runs observers) once per stretch rather than once per record.
  await inTurns(stored.updates, deps.applyStored, (stretch) => doc.transact(stretch, 'storage'));
  return null;
}
