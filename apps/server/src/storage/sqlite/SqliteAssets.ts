import { randomUUID } from 'node:crypto';
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
import { ASSET_PART_BYTES } from './assetParts.js';
import type { Dropped, PartsAsset } from './assetTables.js';

/** Parts deleted per transaction: about 1 MB. */
const PARTS_PER_DROP = 4;

/**
 * The asset store of a SQLite file: calls to the storage workers (see `assetTables.ts`). Reads
 * go to the reader, so serving an image (read and hashed: tens of milliseconds for 10 MB) never
 * holds the commits every ack waits for; writes go to the committer, a large image part by part
 * (see `assetParts.ts`), each part a call of its own so that the commits queued meanwhile go
 * between them.
 */
export class SqliteAssets implements AssetStore {
  readonly name = 'assets';
  constructor(
    private readonly writer: RpcWorker,
    private readonly reader: RpcWorker,
    private readonly assertOpen: () => void,
  ) {}

  async put(
    boardId: string,
    asset: NewAsset,
    options: { maxBoardBytes: number; now: number },
  ): Promise<PutAssetResult> {
    const { maxBoardBytes, now } = options;
    if (asset.data.byteLength <= ASSET_PART_BYTES) {
      return this.#call(this.writer, 'assetPut', [boardId, asset, maxBoardBytes, now]);
    }
    const { data, ...rest } = asset;
    const settled = await this.#call<PutAssetResult | null>(this.writer, 'assetPrecheck', [
      boardId,
      asset.assetId,
      data.byteLength,
      maxBoardBytes,
    ]);
    if (settled) return settled;
    const token = randomUUID();
    let parts = 0;
    try {
      for (let offset = 0; offset < data.byteLength; offset += ASSET_PART_BYTES) {
        // A copy of its own, moved: a view would send the whole buffer with every part.
        const part = data.slice(offset, offset + ASSET_PART_BYTES);
        await this.#call(
          this.writer,
          'assetWritePart',
          [token, parts, part],
          [part.buffer as ArrayBuffer],
        );
        parts++;
      }
      const stored: PartsAsset = { ...rest, bytes: data.byteLength, token, parts };
      const { result, drop } = await this.#call<Dropped<PutAssetResult>>(
        this.writer,
        'assetPutParts',
        [boardId, stored, maxBoardBytes, now],
      );
      await this.#dropParts(drop);
      return result;
    } catch (error) {
      // Best effort: what could not be deleted now is swept as an orphan later.
      await this.#dropParts([token]).catch(() => {});
      throw error;
    }
  }

  async get(boardId: string, assetId: string): Promise<StoredAsset | null> {
    const found = await this.#call<StoredAsset[] | null>(this.reader, 'assetGet', [
      boardId,
      assetId,
    ]);
    return found?.[0] ?? null;
  }

  getMany(boardId: string, assetIds: readonly string[], maxBytes: number): Promise<StoredAsset[]> {
    return this.#call(this.reader, 'assetGetMany', [boardId, [...assetIds], maxBytes]);
  }

  list(boardId: string): Promise<AssetInfo[]> {
    return this.#call(this.reader, 'assetList', [boardId]);
  }

  usage(boardId: string): Promise<AssetUsage> {
    return this.#call(this.reader, 'assetUsage', [boardId]);
  }

  async collectGarbage(options: { now: number; graceMs: number }): Promise<GarbageReport> {
    const { result, drop } = await this.#call<Dropped<GarbageReport>>(this.writer, 'assetCollect', [
      options.now,
      options.graceMs,
    ]);
    await this.#dropParts(drop);
    // Parts an upload left when its process died midway.
    await this.#dropParts(
      await this.#call<string[]>(this.writer, 'assetOrphanParts', [Date.now()]),
    );
    return result;
  }

  boardBytes(boardIds: readonly string[]): Promise<Map<string, number>> {
    return this.#call(this.reader, 'assetBoardBytes', [[...boardIds]]);
  }

  async deleteBoard(boardId: string): Promise<void> {
    await this.#dropParts(await this.#call<string[]>(this.writer, 'assetDeleteBoard', [boardId]));
  }

  /** Deletes these parts a few at a time, so commits go between (a 10 MB image is 40 parts). */
  async #dropParts(tokens: readonly string[]): Promise<void> {
    for (const token of tokens) {
      while (
        (await this.#call<number>(this.writer, 'assetDropParts', [token, PARTS_PER_DROP])) > 0
      );
    }
  }

  async #call<T>(
    worker: RpcWorker,
    method: string,
    args: unknown[],
    transfer?: ArrayBuffer[],
  ): Promise<T> {
    this.assertOpen();
    return worker.call<T>(method, args, transfer);
  }
}
