/**
 * What `copySqliteToPostgres` copies: every table both schemas share, column for column. The
 * two schemas mirror each other (`sqlite/schema.ts`, `postgres/schema.ts`) except that SQLite
 * keeps large values in parts (`parts`, `token` and a parts table), which the copy joins back
 * into one value. `copiedTables.test.ts` holds this list to both schemas as they are migrated,
 * so a table or column added to one of them without a line here fails there, not in the field.
 */

/** Where a SQLite row keeps its value in parts when its `parts` column is above 0. */
export interface PartsSource {
  table: 'snapshot_parts' | 'asset_parts' | 'version_parts';
  /** The parts table is keyed by board as well as by token. */
  byBoard: boolean;
}

export interface CopiedTable {
  name: string;
  /** Its primary key: rows are read in this order, a page at a time. */
  key: readonly string[];
  /** Columns copied as they are (in PostgreSQL: all of the table's columns). */
  columns: readonly string[];
  /** The column holding bytes, summed to check the copy. */
  data?: string;
  /** Rows keep `data` in parts in SQLite (with `parts` and `token` columns). */
  parts?: PartsSource;
  /** A serial column: PostgreSQL's sequence moves past the copied values. */
  serial?: string;
}

export const COPIED_TABLES: readonly CopiedTable[] = [
  { name: 'boards', key: ['board_id'], columns: ['board_id', 'last_seq', 'updated_at', 'name'] },
  {
    name: 'updates',
    key: ['board_id', 'seq'],
    columns: ['board_id', 'seq', 'data', 'crc'],
    data: 'data',
  },
  {
    name: 'snapshots',
    key: ['board_id'],
    columns: ['board_id', 'through_seq', 'data', 'crc'],
    data: 'data',
    parts: { table: 'snapshot_parts', byBoard: true },
  },
  {
    name: 'links',
    key: ['link_id'],
    columns: ['link_id', 'scope', 'role', 'created_at', 'expires_at', 'revoked_at'],
  },
  { name: 'link_scopes', key: ['scope'], columns: ['scope', 'revoked_before'] },
  {
    name: 'assets',
    key: ['asset_id'],
    columns: ['asset_id', 'type', 'width', 'height', 'bytes', 'data', 'created_at'],
    data: 'data',
    parts: { table: 'asset_parts', byBoard: false },
  },
  {
    name: 'board_assets',
    key: ['board_id', 'asset_id'],
    columns: ['board_id', 'asset_id', 'added_at'],
  },
  {
    name: 'versions',
    key: ['version_id'],
    columns: [
      'version_id',
      'board_id',
      'created_at',
      'reason',
      'editors',
      'through_seq',
      'bytes',
      'data',
      'crc',
    ],
    data: 'data',
    parts: { table: 'version_parts', byBoard: true },
    serial: 'version_id',
  },
  {
    name: 'version_assets',
    key: ['version_id', 'asset_id'],
    columns: ['version_id', 'board_id', 'asset_id'],
  },
  {
    name: 'board_editors',
    key: ['board_id', 'name'],
    columns: ['board_id', 'name', 'edited_at'],
  },
];

/** SQLite tables the copy reads through their owners' rows, never on their own. */
export const SQLITE_PARTS_TABLES: readonly string[] = COPIED_TABLES.flatMap((t) =>
  t.parts ? [t.parts.table] : [],
);
