/**
 * A board as a file, to move it between servers (`pnpm board export|import`, the admin API):
 * the board's whole Yjs document as one update, so the imported board is the same document,
 * history of concurrent edits included, not a redrawing of its shapes. The file is written and
 * read in the board loader's worker, and an import goes in like a paste (in slices when large):
 * a 10,000-shape board held the event loop 30-70 ms per export and 450-700 ms per import.
 */
import { readBoardName } from '@drawbridge/board';
import { ErrorCode, ProtocolError } from '@drawbridge/protocol';
import * as Y from 'yjs';
import type { BoardLoader } from '../rooms/loading/BoardLoader.js';
import type { RoomManager } from '../rooms/RoomManager.js';

/** The origin of an import's update: no member, so every member receives it. */
const IMPORT_ORIGIN = 'import';

const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());

/** The board as it is everywhere (caught up with storage in a cluster), as an export file. */
export async function exportBoard(
  rooms: RoomManager,
  loader: BoardLoader,
  boardId: string,
): Promise<Uint8Array> {
  const room = await rooms.acquire(boardId);
  try {
    // Its name is read from the document: filled first (a large board is answered from
    // storage before that).
    await room.whenReady();
    const { update } = await room.sync(EMPTY_STATE_VECTOR);
    const name = readBoardName(room.doc);
    return await loader.writeBoardFile(
      { boardId, name, exportedAt: new Date().toISOString() },
      update,
    );
  } finally {
    rooms.releaseIfIdle(boardId);
  }
}

/**
 * Imports a document into a board that holds nothing yet (false when it does: an import never
 * merges into someone's board). Members already on the empty board receive it live.
 */
export async function importBoard(
  rooms: RoomManager,
  boardId: string,
  update: Uint8Array,
): Promise<boolean> {
  const room = await rooms.acquire(boardId);
  try {
    // Caught up first: in a cluster another node may have stored content meanwhile.
    await room.sync(EMPTY_STATE_VECTOR);
    while (!room.intake.open) await room.intake.whenOpen();
    if (room.doc.store.clients.size > 0 || room.log.head > 0) return false;
    // Open: the import takes the board before any member's update.
    await room.intake.applyServer(update, IMPORT_ORIGIN);
    return true;
  } catch (error) {
    if (error instanceof ProtocolError && error.code === ErrorCode.STORAGE_ERROR)
      throw error.cause ?? error;
    throw error;
  } finally {
    rooms.releaseIfIdle(boardId);
  }
}
