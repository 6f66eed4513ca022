import type pg from 'pg';
import { versionChecksum } from '../records.js';
import type { VersionInfo } from '../VersionStore.js';
import { readVersionRow, VERSION_COLUMNS, type VersionRow } from '../versionRules.js';

/** A stored version as read: its info and its compressed state, checked against its checksum. */
export interface ReadVersion {
  info: VersionInfo;
  data: Uint8Array;
}

/**
 * Reads a version whose bytes still match their checksum, or null. Run on the reader thread:
 * node-postgres parses the bytea from hex text where it queries, a few milliseconds per 100 KB.
 */
export async function readVersion(
  pool: pg.Pool,
  boardId: string,
  versionId: number,
): Promise<ReadVersion | null> {
  if (!Number.isSafeInteger(versionId)) return null;
  const { rows } = await pool.query<VersionRow & { data: Buffer; crc: string }>(
    `SELECT ${VERSION_COLUMNS}, data, crc FROM versions WHERE board_id = $1 AND version_id = $2`,
    [boardId, versionId],
  );
  const row = rows[0];
  if (!row || versionChecksum(boardId, row.data) !== Number(row.crc)) return null;
  return { info: readVersionRow(row), data: row.data };
}
