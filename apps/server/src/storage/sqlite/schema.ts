import type Database from 'better-sqlite3';
import type { QueuedAppend } from '../GroupCommitQueue.js';
import { recordChecksum } from '../records.js';
import { prepareSnapshotParts, type SnapshotContent } from './snapshotParts.js';

/**
 * Migration i brings the file from user_version i to i + 1. Never edit a shipped entry: files in
 * the field are at that version already; append a new one instead.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE boards (
     board_id TEXT PRIMARY KEY NOT NULL,
     last_seq INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE updates (
     board_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     data BLOB NOT NULL,
     crc INTEGER NOT NULL,
     PRIMARY KEY (board_id, seq)
   );
   CREATE TABLE snapshots (
     board_id TEXT PRIMARY KEY NOT NULL,
     through_seq INTEGER NOT NULL,
     data BLOB NOT NULL,
     crc INTEGER NOT NULL
   );`,
  // Board listing (last change, the name kept at unload) and links with their revocations.
  // Link fields other than the id and scope are NULL for a link known only by its revocation.
  `ALTER TABLE boards ADD COLUMN updated_at INTEGER;
   ALTER TABLE boards ADD COLUMN name TEXT;
   CREATE TABLE links (
     link_id TEXT PRIMARY KEY NOT NULL,
     scope TEXT NOT NULL,
     role TEXT,
     created_at INTEGER,
     expires_at INTEGER,
     revoked_at INTEGER
   );
   CREATE INDEX links_by_scope ON links (scope);
   CREATE INDEX links_by_revocation ON links (revoked_at) WHERE revoked_at IS NOT NULL;
   CREATE TABLE link_scopes (
     scope TEXT PRIMARY KEY NOT NULL,
     revoked_before INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX link_scopes_by_time ON link_scopes (revoked_before);`,
  // Images and versions (see AssetStore.ts and VersionStore.ts). Asset bytes are stored once
  // per hash; board_assets says which boards may read them. version_assets lists what each
  // version refers to, so collecting assets needs no decoding.
  `CREATE TABLE assets (
     asset_id TEXT PRIMARY KEY NOT NULL,
     type TEXT NOT NULL,
     width INTEGER NOT NULL,
     height INTEGER NOT NULL,
     bytes INTEGER NOT NULL,
     data BLOB NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE board_assets (
     board_id TEXT NOT NULL,
     asset_id TEXT NOT NULL,
     added_at INTEGER NOT NULL,
     PRIMARY KEY (board_id, asset_id)
   ) WITHOUT ROWID;
   CREATE INDEX board_assets_by_asset ON board_assets (asset_id);
   CREATE TABLE versions (
     version_id INTEGER PRIMARY KEY AUTOINCREMENT,
     board_id TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     reason TEXT NOT NULL,
     editors TEXT NOT NULL,
     through_seq INTEGER NOT NULL,
     bytes INTEGER NOT NULL,
     data BLOB NOT NULL,
     crc INTEGER NOT NULL
   );
   CREATE INDEX versions_by_board ON versions (board_id, created_at);
   CREATE TABLE version_assets (
     version_id INTEGER NOT NULL,
     board_id TEXT NOT NULL,
     asset_id TEXT NOT NULL,
     PRIMARY KEY (version_id, asset_id)
   ) WITHOUT ROWID;
   CREATE INDEX version_assets_by_board ON version_assets (board_id, asset_id);
   CREATE TABLE board_editors (
     board_id TEXT NOT NULL,
     name TEXT NOT NULL,
     edited_at INTEGER NOT NULL,
     PRIMARY KEY (board_id, name)
   ) WITHOUT ROWID;`,
  // Large snapshots in parts (see snapshotParts.ts). A row with parts = 0 holds its snapshot in
  // data, as before; with parts > 0, data is empty and the snapshot is its parts under token.
  `ALTER TABLE snapshots ADD COLUMN parts INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE snapshots ADD COLUMN token TEXT;
   CREATE TABLE snapshot_parts (
     board_id TEXT NOT NULL,
     token TEXT NOT NULL,
     idx INTEGER NOT NULL,
     data BLOB NOT NULL,
     written_at INTEGER NOT NULL,
     PRIMARY KEY (board_id, token, idx)
   );`,
  // Large images in parts (see assetParts.ts), as snapshots. A row with parts = 0 holds its bytes
  // in data, as before; with parts > 0, data is empty and the bytes are its parts under token.
  // A part's data comes last in its row: reading the other columns then never walks the blob.
  `ALTER TABLE assets ADD COLUMN parts INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE assets ADD COLUMN token TEXT;
   CREATE INDEX assets_by_token ON assets (token) WHERE token IS NOT NULL;
   CREATE TABLE asset_parts (
     token TEXT NOT NULL,
     idx INTEGER NOT NULL,
     written_at INTEGER NOT NULL,
     data BLOB NOT NULL,
     PRIMARY KEY (token, idx)
   );`,
  // Large versions in parts (see versionParts.ts), as snapshots. A row with parts = 0 holds its
  // version in data, as before; with parts > 0, data is empty and the version is its parts
  // under token.
  `ALTER TABLE versions ADD COLUMN parts INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE versions ADD COLUMN token TEXT;
   CREATE TABLE version_parts (
     board_id TEXT NOT NULL,
     token TEXT NOT NULL,
     idx INTEGER NOT NULL,
     written_at INTEGER NOT NULL,
     data BLOB NOT NULL,
     PRIMARY KEY (board_id, token, idx)
   );`,
];

const EMPTY = new Uint8Array(0);

/** `data` is unknown because a damaged file may hold NULL or text where a blob belongs. */
export interface RecordRow {
  seq: number;
  data: unknown;
  crc: number;
}

interface SnapshotRow extends RecordRow {
  parts: number;
  token: string | null;
}

export type Statements = ReturnType<typeof prepareStatements>;

export function prepareStatements(db: Database.Database) {
  const getLastSeq = db.prepare<[string], number>('SELECT last_seq FROM boards WHERE board_id = ?');
  getLastSeq.pluck();
  const setLastSeq = db.prepare<[string, number, number]>(
    `INSERT INTO boards (board_id, last_seq, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (board_id) DO UPDATE SET
       last_seq = excluded.last_seq, updated_at = excluded.updated_at`,
  );
  const insertUpdate = db.prepare<[string, number, Uint8Array, number]>(
    'INSERT INTO updates (board_id, seq, data, crc) VALUES (?, ?, ?, ?)',
  );
  const selectSnapshot = db.prepare<[string], SnapshotRow>(
    'SELECT through_seq AS seq, data, crc, parts, token FROM snapshots WHERE board_id = ?',
  );
  /** Which snapshot a board has, without reading its bytes. */
  const selectSnapshotHead = db.prepare<[string], { seq: number; token: string | null }>(
    'SELECT through_seq AS seq, token FROM snapshots WHERE board_id = ?',
  );
  const selectUpdates = db.prepare<[string, number], RecordRow>(
    'SELECT seq, data, crc FROM updates WHERE board_id = ? AND seq > ? ORDER BY seq',
  );
  const upsertSnapshot = db.prepare<[string, number, Uint8Array, number, number, string | null]>(
    `INSERT INTO snapshots (board_id, through_seq, data, crc, parts, token)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (board_id) DO UPDATE SET
       through_seq = excluded.through_seq, data = excluded.data, crc = excluded.crc,
       parts = excluded.parts, token = excluded.token`,
  );
  const parts = prepareSnapshotParts(db);
  const deleteUpdates = db.prepare<[string, number]>(
    'DELETE FROM updates WHERE board_id = ? AND seq <= ?',
  );
  const stats = db.prepare<[{ id: string }], { updates: number; snapshots: number }>(
    `SELECT (SELECT count(*) FROM updates WHERE board_id = @id) AS updates,
            (SELECT count(*) FROM snapshots WHERE board_id = @id) AS snapshots`,
  );

  // IMMEDIATE takes the write lock up front: a deferred transaction that upgrades to writing
  // gets SQLITE_BUSY without waiting when another connection wrote in between.
  const writeBatch = db.transaction((batch: readonly QueuedAppend[]) => {
    // The next seq lives in `boards`, not in max(seq), because compaction deletes rows and a
    // reused seq would hide the record behind the snapshot's through_seq.
    const lastSeqs = new Map<string, number>();
    const seqs = batch.map(({ boardId, data }) => {
      const seq = (lastSeqs.get(boardId) ?? getLastSeq.get(boardId) ?? 0) + 1;
      lastSeqs.set(boardId, seq);
      insertUpdate.run(boardId, seq, data, recordChecksum('update', boardId, seq, data));
      return seq;
    });
    const now = Date.now();
    for (const [boardId, seq] of lastSeqs) setLastSeq.run(boardId, seq, now);
    return seqs;
  }).immediate;

  // One read transaction so the snapshot and the records after it are from the same state.
  const readSince = db.transaction((boardId: string, afterSeq: number) => {
    const snapshot = selectSnapshot.get(boardId);
    const snapshotSeq = snapshot?.seq ?? 0;
    if (snapshot !== undefined && snapshotSeq > afterSeq) {
      // A snapshot in parts is read whole; a missing part fails its checksum like bit rot.
      if (snapshot.parts > 0)
        snapshot.data = parts.join(boardId, snapshot.token ?? '', snapshot.parts);
      return { snapshot, snapshotSeq, rows: selectUpdates.all(boardId, snapshotSeq) };
    }
    return { snapshot: undefined, snapshotSeq, rows: selectUpdates.all(boardId, afterSeq) };
  }).deferred;

  /**
   * Stores a snapshot through `throughSeq` unless another compaction moved it off `expected`
   * (or its parts are not all there), and deletes the records it covers. `drop` names the parts
   * nothing refers to any more: the previous snapshot's, or this one's when it was not stored.
   */
  const replaceSnapshot = db.transaction(
    (
      boardId: string,
      expected: number,
      throughSeq: number,
      content: SnapshotContent,
    ): { written: boolean; drop: string | null } => {
      const current = selectSnapshotHead.get(boardId);
      const own = 'token' in content ? content.token : null;
      if ((current?.seq ?? 0) !== expected) return { written: false, drop: own };
      if ('token' in content) {
        if (!parts.complete(boardId, content.token, content.parts)) {
          return { written: false, drop: own };
        }
        upsertSnapshot.run(boardId, throughSeq, EMPTY, content.crc, content.parts, content.token);
      } else {
        const crc = recordChecksum('snapshot', boardId, throughSeq, content.state);
        upsertSnapshot.run(boardId, throughSeq, content.state, crc, 0, null);
      }
      deleteUpdates.run(boardId, throughSeq);
      return { written: true, drop: current?.token ?? null };
    },
  ).immediate;

  return { getLastSeq, selectSnapshot, stats, writeBatch, readSince, replaceSnapshot, parts };
}
