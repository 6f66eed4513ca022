import type pg from 'pg';
import type {
  AssetInfo,
  AssetStore,
  AssetUsage,
  GarbageReport,
  NewAsset,
  PutAssetResult,
  StoredAsset,
} from '../AssetStore.js';
import { transaction } from './connection.js';
import { ASSETS_LOCK, boardAssetsLock } from './schema.js';

interface AssetRow {
  asset_id: string;
  type: string;
  width: number;
  height: number;
  bytes: number;
  data?: Buffer;
}

const COLUMNS = 'a.asset_id, a.type, a.width, a.height, a.bytes';

const info = (row: AssetRow): AssetInfo => ({
  assetId: row.asset_id,
  type: row.type as AssetInfo['type'],
  width: row.width,
  height: row.height,
  bytes: row.bytes,
});

const USAGE_SQL = `SELECT count(*)::int4 AS count, coalesce(sum(a.bytes), 0)::int8 AS bytes
  FROM board_assets l JOIN assets a ON a.asset_id = l.asset_id WHERE l.board_id = $1`;

/** Links nothing refers to any more; see `AssetStore.ts` for the rule. */
const DROP_LINKS_SQL = `DELETE FROM board_assets l
  WHERE l.added_at < $1
    AND NOT EXISTS (SELECT 1 FROM version_assets v
                    WHERE v.board_id = l.board_id AND v.asset_id = l.asset_id)
    AND coalesce((SELECT b.last_seq FROM boards b WHERE b.board_id = l.board_id), 0)
        <= coalesce((SELECT max(v.through_seq) FROM versions v WHERE v.board_id = l.board_id), 0)`;

const DROP_ORPHANS_SQL = `DELETE FROM assets a WHERE a.created_at < $1
  AND NOT EXISTS (SELECT 1 FROM board_assets l WHERE l.asset_id = a.asset_id)`;

/** Whether bytes still hash to the id they are stored under; hashed off the event loop. */
async function intact(assetId: string, data: Uint8Array): Promise<boolean> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return Buffer.from(digest).toString('hex') === assetId;
}

/**
 * The asset store in PostgreSQL, shared by every node. Uploads hold the assets lock shared (and
 * their board's lock, so two uploads cannot both fit under its total); collection and board
 * deletion hold it exclusively, so no upload links an asset they are deleting.
 */
export class PostgresAssets implements AssetStore {
  readonly name = 'assets';
  constructor(
    private readonly pool: pg.Pool,
    /** Runs a call: waits for the schema, times it, turns errors into storage errors. */
    private readonly run: <T>(doing: string, work: () => Promise<T>) => Promise<T>,
    private readonly onDamaged: (boardId: string, assetId: string) => void,
  ) {}

  put(
    boardId: string,
    asset: NewAsset,
    options: { maxBoardBytes: number; now: number },
  ): Promise<PutAssetResult> {
    return this.run(`storing an image of board ${boardId}`, () =>
      transaction(this.pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock_shared($1, $2)', [...ASSETS_LOCK]);
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', boardAssetsLock(boardId));
        const select = () =>
          client.query<AssetRow>(`SELECT ${COLUMNS} FROM assets a WHERE a.asset_id = $1`, [
            asset.assetId,
          ]);
        const linked = await client.query(
          'SELECT 1 FROM board_assets WHERE board_id = $1 AND asset_id = $2',
          [boardId, asset.assetId],
        );
        if (linked.rowCount) {
          return { ok: true, asset: info((await select()).rows[0]!), created: false };
        }
        const usage = await client.query<{ bytes: string }>(USAGE_SQL, [boardId]);
        const used = Number(usage.rows[0]!.bytes);
        const bytes = asset.data.byteLength;
        if (used + bytes > options.maxBoardBytes) {
          return { ok: false, reason: 'board-full', used, limit: options.maxBoardBytes };
        }
        const inserted = await client.query(
          `INSERT INTO assets (asset_id, type, width, height, bytes, data, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (asset_id) DO NOTHING`,
          [
            asset.assetId,
            asset.type,
            asset.width,
            asset.height,
            bytes,
            Buffer.from(asset.data.buffer, asset.data.byteOffset, bytes),
            options.now,
          ],
        );
        await client.query(
          'INSERT INTO board_assets (board_id, asset_id, added_at) VALUES ($1, $2, $3)',
          [boardId, asset.assetId, options.now],
        );
        return {
          ok: true,
          asset: info((await select()).rows[0]!),
          created: inserted.rowCount === 1,
        };
      }),
    );
  }

  async get(boardId: string, assetId: string): Promise<StoredAsset | null> {
    return (await this.getMany(boardId, [assetId], Number.MAX_SAFE_INTEGER))[0] ?? null;
  }

  getMany(boardId: string, assetIds: readonly string[], maxBytes: number): Promise<StoredAsset[]> {
    return this.run(`reading images of board ${boardId}`, async () => {
      const ids = [...new Set(assetIds)];
      if (ids.length === 0) return [];
      // Sizes first, so a preview never pulls more bytes than it may use.
      const sizes = await this.pool.query<{ asset_id: string; bytes: number }>(
        `SELECT a.asset_id, a.bytes FROM board_assets l JOIN assets a ON a.asset_id = l.asset_id
         WHERE l.board_id = $1 AND l.asset_id = ANY($2::text[])`,
        [boardId, ids],
      );
      const wanted: string[] = [];
      let total = 0;
      const order = new Map(ids.map((id, i) => [id, i]));
      for (const row of sizes.rows.sort(
        (a, b) => order.get(a.asset_id)! - order.get(b.asset_id)!,
      )) {
        if (total + row.bytes > maxBytes) continue;
        total += row.bytes;
        wanted.push(row.asset_id);
      }
      if (wanted.length === 0) return [];
      const { rows } = await this.pool.query<AssetRow>(
        `SELECT ${COLUMNS}, a.data FROM assets a WHERE a.asset_id = ANY($1::text[])`,
        [wanted],
      );
      const found: StoredAsset[] = [];
      for (const row of rows) {
        const data = row.data ? new Uint8Array(row.data) : null;
        if (!data || !(await intact(row.asset_id, data))) {
          this.onDamaged(boardId, row.asset_id);
          continue;
        }
        found.push({ ...info(row), data });
      }
      return found.sort((a, b) => order.get(a.assetId)! - order.get(b.assetId)!);
    });
  }

  list(boardId: string): Promise<AssetInfo[]> {
    return this.run(`listing images of board ${boardId}`, async () => {
      const { rows } = await this.pool.query<AssetRow>(
        `SELECT ${COLUMNS} FROM board_assets l JOIN assets a ON a.asset_id = l.asset_id
         WHERE l.board_id = $1 ORDER BY l.added_at, l.asset_id`,
        [boardId],
      );
      return rows.map(info);
    });
  }

  usage(boardId: string): Promise<AssetUsage> {
    return this.run(`measuring images of board ${boardId}`, async () => {
      const { rows } = await this.pool.query<{ count: number; bytes: string }>(USAGE_SQL, [
        boardId,
      ]);
      return { count: rows[0]!.count, bytes: Number(rows[0]!.bytes) };
    });
  }

  boardBytes(boardIds: readonly string[]): Promise<Map<string, number>> {
    return this.run('measuring images of boards', async () => {
      const sizes = new Map(boardIds.map((id) => [id, 0]));
      const { rows } = await this.pool.query<{ board_id: string; bytes: string }>(
        `SELECT l.board_id, sum(a.bytes)::int8 AS bytes
         FROM board_assets l JOIN assets a ON a.asset_id = l.asset_id
         WHERE l.board_id = ANY($1::text[]) GROUP BY l.board_id`,
        [boardIds],
      );
      for (const row of rows) sizes.set(row.board_id, Number(row.bytes));
      return sizes;
    });
  }

  collectGarbage(options: { now: number; graceMs: number }): Promise<GarbageReport> {
    return this.run('collecting unused images', () =>
      transaction(this.pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...ASSETS_LOCK]);
        const cutoff = options.now - options.graceMs;
        const links = await client.query(DROP_LINKS_SQL, [cutoff]);
        const assets = await client.query(DROP_ORPHANS_SQL, [cutoff]);
        return { links: links.rowCount ?? 0, assets: assets.rowCount ?? 0 };
      }),
    );
  }

  deleteBoard(boardId: string): Promise<void> {
    return this.run(`deleting images of board ${boardId}`, () =>
      transaction(this.pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...ASSETS_LOCK]);
        await client.query('DELETE FROM board_assets WHERE board_id = $1', [boardId]);
        await client.query(DROP_ORPHANS_SQL, [Number.MAX_SAFE_INTEGER]);
      }),
    );
  }
}
