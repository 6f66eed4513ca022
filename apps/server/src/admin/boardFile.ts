/**
 * A board as a file (`pnpm board export|import`, the admin API): the board's whole Yjs document
 * as one update, base64, in JSON. Written and read in the board loader's worker (`BoardLoader`):
 * for a 10,000-shape board that is 3 MB of base64 and JSON, 30-90 ms of work.
 */
import type { Limits } from '@drawbridge/protocol';

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

/** What a file says of its board, besides the board itself. */
export type BoardFileMeta = Pick<BoardExport, 'boardId' | 'name' | 'exportedAt'>;

/** Bytes of the largest import body: a full board in base64, in JSON. */
export const maxImportBodyBytes = (limits: Pick<Limits, 'maxBoardBytes'>): number =>
  Math.ceil(limits.maxBoardBytes / 3) * 4 + 64 * 1024;

/** The file of a board whose document is `update`, as UTF-8 JSON. */
export function writeBoardFile(meta: BoardFileMeta, update: Uint8Array): Uint8Array {
  const file: BoardExport = {
    type: BOARD_EXPORT_TYPE,
    version: BOARD_EXPORT_VERSION,
    ...meta,
    update: Buffer.from(update.buffer, update.byteOffset, update.byteLength).toString('base64'),
  };
  return new Uint8Array(Buffer.from(JSON.stringify(file)));
}

/** The update of a file (UTF-8 JSON), checked; a string saying why when it is not one. */
export function readBoardFile(
  bytes: Uint8Array,
  limits: Pick<Limits, 'maxBoardBytes'>,
): Uint8Array | string {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return 'the body is not JSON';
  }
  return readBoardExport(value, limits);
}

/** The update of an export file, checked like a client's; a string saying why when it is not one. */
export function readBoardExport(
  value: unknown,
  limits: Pick<Limits, 'maxBoardBytes'>,
): Uint8Array | string {
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
