/**
 * A board as a file, to move it between servers (`pnpm board export|import`, the admin API):
 * the board's whole Yjs document as one update, so the imported board is the same document,
 * history of concurrent edits included, not a redrawing of its shapes.
 */
import { readBoardName } from '@drawbridge/board';
import { ErrorCode, type Limits, ProtocolError, scanUpdate } from '@drawbridge/protocol';
import * as Y from 'yjs';
import type { RoomManager } from '../rooms/RoomManager.js';

export const BOARD_EXPORT_TYPE = 'drawbridge/board-export';
export const BOARD_EXPORT_VERSION = 1;

export interface BoardExport {
  type: typeof BOARD_EXPORT_TYPE;
  version: typeof BOARD_EXPORT_VERSION;
  boardId: string;
  name: string;
  exportedAt: string;
  /** `Y.encodeStateAsUpdate(board)`, base64. */
  update: string;
}

/** The origin of an import's update: no member, so every member receives it. */
const IMPORT_ORIGIN = 'import';

const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());

/** Bytes of the largest import body: a full board in base64, in JSON. */
export const maxImportBodyBytes = (limits: Limits): number =>
  Math.ceil(limits.maxBoardBytes / 3) * 4 + 64 * 1024;

/** The board as it is everywhere (caught up with storage in a cluster), as an export file. */
export async function exportBoard(rooms: RoomManager, boardId: string): Promise<BoardExport> {
  const room = await rooms.acquire(boardId);
  try {
    const { update } = await room.sync(EMPTY_STATE_VECTOR);
    return {
      type: BOARD_EXPORT_TYPE,
      version: BOARD_EXPORT_VERSION,
      boardId,
      name: readBoardName(room.doc),
      exportedAt: new Date().toISOString(),
      update: Buffer.from(update).toString('base64'),
    };
  } finally {
    rooms.releaseIfIdle(boardId);
  }
}

/** The update of an export file, checked like a client's; a string saying why when it is not one. */
export function readBoardExport(value: unknown, limits: Limits): Uint8Array | string {
  if (typeof value !== 'object' || value === null) return 'the body must be a board export';
  const { type, version, update } = value as Record<string, unknown>;
  if (type !== BOARD_EXPORT_TYPE) return `type must be ${BOARD_EXPORT_TYPE}`;
  if (version !== BOARD_EXPORT_VERSION) return `version must be ${BOARD_EXPORT_VERSION}`;
  if (typeof update !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(update)) {
    return 'update must be base64';
  }
  const bytes = new Uint8Array(Buffer.from(update, 'base64'));
  if (bytes.byteLength > limits.maxBoardBytes) return 'the board is larger than this server allows';
  return bytes;
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
  const scan = scanUpdate(update);
  const room = await rooms.acquire(boardId);
  try {
    // Caught up first: in a cluster another node may have stored content meanwhile.
    await room.sync(EMPTY_STATE_VECTOR);
    if (room.doc.store.clients.size > 0 || room.log.head > 0) return false;
    const { durable } = room.applyUpdate(update, scan, IMPORT_ORIGIN);
    await durable;
    return true;
  } catch (error) {
    if (error instanceof ProtocolError && error.code === ErrorCode.STORAGE_ERROR) throw error.cause;
    throw error;
  } finally {
    rooms.releaseIfIdle(boardId);
  }
}
