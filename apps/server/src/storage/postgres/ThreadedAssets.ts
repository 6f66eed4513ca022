import { randomUUID } from 'node:crypto';
import type {
  AssetInfo,
  AssetStore,
  AssetUsage,
  GarbageReport,
  NewAsset,
  PutAssetResult,
  StoredAsset,
} from '../AssetStore.js';
import { ASSET_PART_BYTES } from './AssetBytes.js';
import type { PostgresAssets } from './PostgresAssets.js';
import type { PostgresWorker } from './PostgresWorker.js';

/**
 * The asset store in PostgreSQL as the server uses it: the calls that carry image bytes (`put`,
 * `get`, `getMany`) run on the reader thread (see `AssetBytes.ts`), the others on the event
 * loop's pool, all through `run` (the schema awaited, timed, errors as storage errors).
 */
export class ThreadedAssets implements AssetStore {
  readonly name = 'assets';

  constructor(
    private readonly local: PostgresAssets,
    private readonly reader: PostgresWorker,
    private readonly run: <T>(doing: string, work: () => Promise<T>) => Promise<T>,
    private readonly onDamaged: (boardId: string, assetId: string) => void,
  ) {}

  put(
    boardId: string,
    asset: NewAsset,
    options: { maxBoardBytes: number; now: number },
  ): Promise<PutAssetResult> {
    return this.run(`storing an image of board ${boardId}`, async () => {
      const { data, ...rest } = asset;
      const token = randomUUID();
      try {
        for (let offset = 0; offset < data.byteLength; offset += ASSET_PART_BYTES) {
          // A copy of its own, moved: the caller keeps its bytes.
          await this.reader.sendAssetPart(token, data.slice(offset, offset + ASSET_PART_BYTES));
        }
        const job = await this.reader.putAsset(boardId, { ...rest, token }, options);
        this.#report(boardId, job.damaged);
        return job.result;
      } catch (error) {
        await this.reader.dropAsset(token).catch(() => {});
        throw error;
      }
    });
  }

  async get(boardId: string, assetId: string): Promise<StoredAsset | null> {
    return (await this.getMany(boardId, [assetId], Number.MAX_SAFE_INTEGER))[0] ?? null;
  }

  getMany(boardId: string, assetIds: readonly string[], maxBytes: number): Promise<StoredAsset[]> {
    return this.run(`reading images of board ${boardId}`, async () => {
      const job = await this.reader.readAssets(boardId, assetIds, maxBytes);
      this.#report(boardId, job.damaged);
      return job.result;
    });
  }

  list(boardId: string): Promise<AssetInfo[]> {
    return this.local.list(boardId);
  }

  usage(boardId: string): Promise<AssetUsage> {
    return this.local.usage(boardId);
  }

  boardBytes(boardIds: readonly string[]): Promise<Map<string, number>> {
    return this.local.boardBytes(boardIds);
  }

  collectGarbage(options: { now: number; graceMs: number }): Promise<GarbageReport> {
    return this.local.collectGarbage(options);
  }

  deleteBoard(boardId: string): Promise<void> {
    return this.local.deleteBoard(boardId);
  }

  #report(boardId: string, damaged: readonly string[]): void {
    for (const assetId of damaged) this.onDamaged(boardId, assetId);
  }
}
