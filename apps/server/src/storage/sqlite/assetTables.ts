import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type {
  AssetInfo,
  AssetUsage,
  GarbageReport,
  NewAsset,
  PutAssetResult,
  StoredAsset,
} from '../AssetStore.js';
import { type AssetParts, prepareAssetParts } from './assetParts.js';

interface AssetRow {
  asset_id: string;
  type: string;
  width: number;
  height: number;
  bytes: number;
  data?: unknown;
  parts?: number;
  token?: string | null;
}

/** An asset whose bytes are already stored as parts under `token` (see assetParts.ts). */
export interface PartsAsset extends AssetInfo {
  token: string;
  parts: number;
}

/** What a write left for the caller to delete, part by part (the parts of assets it dropped). */
export interface Dropped<T> {
  result: T;
  drop: string[];
}

const EMPTY = new Uint8Array(0);

const info = (row: AssetRow): AssetInfo => ({
  assetId: row.asset_id,
  type: row.type as AssetInfo['type'],
  width: row.width,
  height: row.height,
  bytes: row.bytes,
});

const COLUMNS = 'a.asset_id, a.type, a.width, a.height, a.bytes';

/**
 * The worker side of `SqliteAssets`: the asset tables on the storage workers' connections, so
 * hashing and large blobs never touch the event loop (reads on the reader's, writes on the
 * committer's). Writes are IMMEDIATE transactions, which serialise them with every other writer
 * of the file (a board's total is checked and the link added under one lock; collection never
 * interleaves with an upload). A large asset's bytes are written beforehand in parts, each a
 * transaction of its own, and the transaction that links it names them.
 */
export class SqliteAssetTables {
  readonly #put;
  readonly #get;
  readonly #list;
  readonly #usage;
  readonly #collect;
  readonly #deleteBoard;
  readonly #boardBytes;
  readonly #precheck;
  readonly #putParts;
  readonly #onDamaged: (boardId: string, assetId: string) => void;
  readonly parts: AssetParts;

  constructor(db: Database.Database, onDamaged: (boardId: string, assetId: string) => void) {
    this.#onDamaged = onDamaged;
    const parts = prepareAssetParts(db);
    this.parts = parts;
    const linked = db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM board_assets WHERE board_id = ? AND asset_id = ?',
    );
    const used = db.prepare<[string], AssetUsage>(
      `SELECT count(*) AS count, coalesce(sum(a.bytes), 0) AS bytes
       FROM board_assets l JOIN assets a ON a.asset_id = l.asset_id WHERE l.board_id = ?`,
    );
    const insertAsset = db.prepare(
      `INSERT INTO assets (asset_id, type, width, height, bytes, data, created_at, parts, token)
       VALUES (@assetId, @type, @width, @height, @bytes, @data, @now, @parts, @token)
       ON CONFLICT (asset_id) DO NOTHING`,
    );
    const insertLink = db.prepare(
      'INSERT INTO board_assets (board_id, asset_id, added_at) VALUES (?, ?, ?)',
    );
    const selectOne = db.prepare<[string, string], AssetRow>(
      `SELECT ${COLUMNS}, a.data, a.parts, a.token FROM board_assets l JOIN assets a ON a.asset_id = l.asset_id
       WHERE l.board_id = ? AND l.asset_id = ?`,
    );
    const selectInfo = db.prepare<[string], AssetRow>(
      `SELECT ${COLUMNS} FROM assets a WHERE a.asset_id = ?`,
    );
    this.#get = selectOne;
    this.#list = db.prepare<[string], AssetRow>(
      `SELECT ${COLUMNS} FROM board_assets l JOIN assets a ON a.asset_id = l.asset_id
       WHERE l.board_id = ? ORDER BY l.added_at, l.asset_id`,
    );
    this.#usage = used;
    this.#boardBytes = db.prepare<[string], { board_id: string; bytes: number }>(
      `SELECT l.board_id, sum(a.bytes) AS bytes
       FROM board_assets l JOIN assets a ON a.asset_id = l.asset_id
       WHERE l.board_id IN (SELECT value FROM json_each(?)) GROUP BY l.board_id`,
    );

    /** The answer to a put that needs no bytes stored: the board has it, or has no room. */
    const settled = (
      boardId: string,
      assetId: string,
      bytes: number,
      maxBoardBytes: number,
    ): PutAssetResult | null => {
      if (linked.get(boardId, assetId)) {
        return { ok: true, asset: info(selectInfo.get(assetId)!), created: false };
      }
      const usage = used.get(boardId)!;
      if (usage.bytes + bytes > maxBoardBytes) {
        return { ok: false, reason: 'board-full', used: usage.bytes, limit: maxBoardBytes };
      }
      return null;
    };
    this.#precheck = settled;
    this.#put = db
      .transaction(
        (boardId: string, asset: NewAsset, maxBoardBytes: number, now: number): PutAssetResult => {
          const bytes = asset.data.byteLength;
          const answer = settled(boardId, asset.assetId, bytes, maxBoardBytes);
          if (answer) return answer;
          const row = { ...asset, bytes, now, parts: 0, token: null };
          const created = insertAsset.run(row).changes > 0;
          insertLink.run(boardId, asset.assetId, now);
          return { ok: true, asset: info(selectInfo.get(asset.assetId)!), created };
        },
      )
      .immediate.bind(null);
    this.#putParts = db
      .transaction(
        (
          boardId: string,
          asset: PartsAsset,
          maxBoardBytes: number,
          now: number,
        ): Dropped<PutAssetResult> => {
          const answer = settled(boardId, asset.assetId, asset.bytes, maxBoardBytes);
          if (answer) return { result: answer, drop: [asset.token] };
          if (!parts.complete(asset.token, asset.parts)) {
            throw new Error(`asset ${asset.assetId}: its parts are not all stored`);
          }
          const row = { ...asset, data: EMPTY, now };
          const created = insertAsset.run(row).changes > 0;
          insertLink.run(boardId, asset.assetId, now);
          // Another upload of the same bytes stored them first: these parts are not needed.
          return {
            result: { ok: true, asset: info(selectInfo.get(asset.assetId)!), created },
            drop: created ? [] : [asset.token],
          };
        },
      )
      .immediate.bind(null);

    const dropLinks = db.prepare<{ cutoff: number }>(
      `DELETE FROM board_assets AS l
       WHERE l.added_at < @cutoff
         AND NOT EXISTS (SELECT 1 FROM version_assets v
                         WHERE v.board_id = l.board_id AND v.asset_id = l.asset_id)
         AND coalesce((SELECT b.last_seq FROM boards b WHERE b.board_id = l.board_id), 0)
             <= coalesce((SELECT max(v.through_seq) FROM versions v WHERE v.board_id = l.board_id), 0)`,
    );
    const dropOrphans = db.prepare<{ cutoff: number }, { token: string | null }>(
      `DELETE FROM assets WHERE created_at < @cutoff
         AND NOT EXISTS (SELECT 1 FROM board_assets l WHERE l.asset_id = assets.asset_id)
       RETURNING token`,
    );
    /** Deletes the assets no board links; the parts of those stored in parts, to delete next. */
    const dropAssets = (cutoff: number) => {
      const rows = dropOrphans.all({ cutoff });
      const tokens = rows.flatMap(({ token }) => (token === null ? [] : [token]));
      return { assets: rows.length, drop: tokens };
    };
    this.#collect = db
      .transaction((cutoff: number): Dropped<GarbageReport> => {
        const links = dropLinks.run({ cutoff }).changes;
        const { assets, drop } = dropAssets(cutoff);
        return { result: { links, assets }, drop };
      })
      .immediate.bind(null);

    const dropBoardLinks = db.prepare<[string]>('DELETE FROM board_assets WHERE board_id = ?');
    this.#deleteBoard = db
      .transaction((boardId: string): string[] => {
        dropBoardLinks.run(boardId);
        // Any age: the board is gone, and only its links could have kept these.
        return dropAssets(Number.MAX_SAFE_INTEGER).drop;
      })
      .immediate.bind(null);
  }

  /** Stores the bytes in the asset's row and links it, in one transaction (small assets). */
  put(boardId: string, asset: NewAsset, maxBoardBytes: number, now: number): PutAssetResult {
    return this.#put(boardId, asset, maxBoardBytes, now);
  }

  /** The answer when no bytes need storing (the board has the asset, or no room); else null. */
  precheck(
    boardId: string,
    assetId: string,
    bytes: number,
    maxBoardBytes: number,
  ): PutAssetResult | null {
    return this.#precheck(boardId, assetId, bytes, maxBoardBytes);
  }

  /** Links an asset whose parts are stored, checking again what `precheck` checked. */
  putParts(
    boardId: string,
    asset: PartsAsset,
    maxBoardBytes: number,
    now: number,
  ): Dropped<PutAssetResult> {
    return this.#putParts(boardId, asset, maxBoardBytes, now);
  }

  get(boardId: string, assetId: string): StoredAsset | null {
    const row = this.#get.get(boardId, assetId);
    return row ? this.#checked(boardId, row) : null;
  }

  getMany(boardId: string, assetIds: readonly string[], maxBytes: number): StoredAsset[] {
    const found: StoredAsset[] = [];
    let total = 0;
    for (const assetId of new Set(assetIds)) {
      const row = this.#get.get(boardId, assetId);
      if (!row || total + row.bytes > maxBytes) continue;
      const asset = this.#checked(boardId, row);
      if (!asset) continue;
      total += asset.bytes;
      found.push(asset);
    }
    return found;
  }

  list(boardId: string): AssetInfo[] {
    return this.#list.all(boardId).map(info);
  }

  usage(boardId: string): AssetUsage {
    return this.#usage.get(boardId)!;
  }

  boardBytes(boardIds: readonly string[]): Map<string, number> {
    const sizes = new Map(boardIds.map((id) => [id, 0]));
    for (const row of this.#boardBytes.all(JSON.stringify(boardIds))) {
      sizes.set(row.board_id, row.bytes);
    }
    return sizes;
  }

  collectGarbage(now: number, graceMs: number): Dropped<GarbageReport> {
    return this.#collect(now - graceMs);
  }

  /** Deletes the board's links and the assets only it linked; the parts to delete next. */
  deleteBoard(boardId: string): string[] {
    return this.#deleteBoard(boardId);
  }

  /** The row as an asset when its bytes still hash to its id (content addressing is the check). */
  #checked(boardId: string, row: AssetRow): StoredAsset | null {
    // An asset in parts is read whole; a missing part fails the hash like bit rot.
    const data = row.parts ? this.parts.join(row.token ?? '', row.parts) : row.data;
    if (
      !(data instanceof Uint8Array) ||
      createHash('sha256').update(data).digest('hex') !== row.asset_id
    ) {
      this.#onDamaged(boardId, row.asset_id);
      return null;
    }
    return { ...info(row), data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }
}
