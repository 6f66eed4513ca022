import type { RpcWorker } from '../../workers/RpcWorker.js';
import type {
  AssetInfo,
  AssetStore,
  AssetUsage,
  GarbageReport,
  NewAsset,
  PutAssetResult,
  StoredAsset,
} from '../AssetStore.js';

/** The asset store of a SQLite file: calls to the storage worker (see `assetTables.ts`). */
export class SqliteAssets implements AssetStore {
  readonly name = 'assets';
  constructor(
    private readonly worker: RpcWorker,
    private readonly assertOpen: () => void,
  ) {}

  put(
    boardId: string,
    asset: NewAsset,
    options: { maxBoardBytes: number; now: number },
  ): Promise<PutAssetResult> {
    return this.#call('assetPut', [boardId, asset, options.maxBoardBytes, options.now]);
  }

  async get(boardId: string, assetId: string): Promise<StoredAsset | null> {
    const found = await this.#call<StoredAsset[] | null>('assetGet', [boardId, assetId]);
    return found?.[0] ?? null;
  }

  getMany(boardId: string, assetIds: readonly string[], maxBytes: number): Promise<StoredAsset[]> {
    return this.#call('assetGetMany', [boardId, [...assetIds], maxBytes]);
  }

  list(boardId: string): Promise<AssetInfo[]> {
    return this.#call('assetList', [boardId]);
  }

  usage(boardId: string): Promise<AssetUsage> {
    return this.#call('assetUsage', [boardId]);
  }

  collectGarbage(options: { now: number; graceMs: number }): Promise<GarbageReport> {
    return this.#call('assetCollect', [options.now, options.graceMs]);
  }

  boardBytes(boardIds: readonly string[]): Promise<Map<string, number>> {
    return this.#call('assetBoardBytes', [[...boardIds]]);
  }

  async deleteBoard(boardId: string): Promise<void> {
    await this.#call('assetDeleteBoard', [boardId]);
  }

  async #call<T>(method: string, args: unknown[]): Promise<T> {
    this.assertOpen();
    return this.worker.call<T>(method, args);
  }
}
