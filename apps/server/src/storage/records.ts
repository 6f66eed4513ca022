import { crc32 } from 'node:zlib';

export type RecordKind = 'update' | 'snapshot';

/** A stored record as read back, before it is trusted. */
export interface RecordCheck {
  kind: RecordKind;
  boardId: string;
  seq: number;
  /** Unknown because a damaged row may hold NULL or text where bytes belong. */
  data: unknown;
  crc: number;
  /** Set when the record failed its check: why. */
  reason?: string;
}

/**
 * The checksum covers where a record belongs as well as its bytes, so a record that is intact but
 * sits under the wrong board or seq (a misdirected write, a bad manual repair) is also rejected.
 */
export function recordChecksum(
  kind: RecordKind,
  boardId: string,
  seq: number,
  data: Uint8Array,
): number {
  return crc32(data, crc32(`${kind}\0${boardId}\0${seq}\0`));
}

/**
 * `recordChecksum` of bytes that arrive in parts: start from the checksum of no bytes, then
 * continue it with each part in order.
 */
export const continueChecksum = (crc: number, part: Uint8Array): number => crc32(part, crc);

/** Why the record must be skipped, or undefined if it is sound. */
export function verifyRecord({ kind, boardId, seq, data, crc }: RecordCheck): string | undefined {
  if (!(data instanceof Uint8Array)) {
    return `data is ${data === null ? 'NULL' : typeof data}, not bytes`;
  }
  if (recordChecksum(kind, boardId, seq, data) !== crc) return 'checksum mismatch';
  return undefined;
}

/** The checksum of a stored version's (compressed) bytes, bound to its board. */
export const versionChecksum = (boardId: string, data: Uint8Array): number =>
  crc32(data, crc32(`version\0${boardId}\0`));
