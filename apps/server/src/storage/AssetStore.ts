/**
 * Where a board's images live: in the same database as the boards (so in a cluster every node
 * serves every image), content-addressed by SHA-256 so the same bytes are stored once however
 * many boards hold them. A board may read only the assets linked to it: knowing a hash is not
 * access. Every backend passes `assetContract.ts`.
 *
 * Keeping: an asset link is kept while the board refers to it or one of its kept versions
 * does. The board's current references are known from its newest version: a board is only
 * collected when that version covers everything it stores (a board edited since is left alone
 * until its next version). Links younger than the grace period are always kept (an upload
 * precedes the shape that refers to it, and an offline client may bring that shape late).
 */
import type { ImageType } from '@drawbridge/protocol';
import type { BoardDataStore } from './BoardDataStore.js';

export interface AssetInfo {
  /** SHA-256 of the bytes, lowercase hex. */
  assetId: string;
  /** Sniffed from the bytes on upload. */
  type: ImageType;
  width: number;
  height: number;
  bytes: number;
}

export interface StoredAsset extends AssetInfo {
  data: Uint8Array;
}

export interface NewAsset {
  assetId: string;
  type: ImageType;
  width: number;
  height: number;
  data: Uint8Array;
}

export type PutAssetResult =
  | { ok: true; asset: AssetInfo; created: boolean }
  | { ok: false; reason: 'board-full'; used: number; limit: number };

export interface AssetUsage {
  count: number;
  bytes: number;
}

export interface GarbageReport {
  /** Board-to-asset links removed. */
  links: number;
  /** Assets whose bytes were deleted (no board links them any more). */
  assets: number;
}

export interface AssetStore extends BoardDataStore {
  readonly name: 'assets';
  /** Bytes held per board (operators' list of boards). */
  boardBytes(boardIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * Stores the bytes once and links them to the board, in one transaction: nothing is stored
   * when the board's images would exceed `maxBoardBytes` (an asset the board already has is
   * always fine). `now` stamps the link, which starts its grace period.
   */
  put(
    boardId: string,
    asset: NewAsset,
    options: { maxBoardBytes: number; now: number },
  ): Promise<PutAssetResult>;
  /** The asset, when the board links it and its bytes still hash to its id; else null. */
  get(boardId: string, assetId: string): Promise<StoredAsset | null>;
  /** Those of `assetIds` the board links, up to `maxBytes` in total (previews). */
  getMany(boardId: string, assetIds: readonly string[], maxBytes: number): Promise<StoredAsset[]>;
  /** The assets linked to the board, oldest link first. */
  list(boardId: string): Promise<AssetInfo[]>;
  usage(boardId: string): Promise<AssetUsage>;
  /** Removes links nothing refers to any more (see above) and the bytes no board links. */
  collectGarbage(options: { now: number; graceMs: number }): Promise<GarbageReport>;
  /** Removes the board's links, and the bytes of assets no other board links. */
  deleteBoard(boardId: string): Promise<void>;
}
