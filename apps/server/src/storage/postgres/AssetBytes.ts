/**
 * What crosses to the PostgreSQL reader thread for the asset calls that carry image bytes:
 * node-postgres sends a bytea parameter as hex text and parses a bytea column from hex text on
 * the thread that queries, so an 8 MB image held the event loop 14-98 ms per upload and
 * 144-256 ms per download when `PostgresAssets` ran there. An upload's bytes cross in parts of
 * `ASSET_PART_BYTES` (one copy of 8 MB on the event loop took 22-26 ms here); a download's come
 * back moved.
 */
import type { NewAsset, PutAssetResult, StoredAsset } from '../AssetStore.js';

/** Bytes of each part of an upload sent to the reader thread. */
export const ASSET_PART_BYTES = 256 * 1024;

/** An upload whose bytes were sent ahead in parts under `token`. */
export type SentAsset = Omit<NewAsset, 'data'> & { token: string };

/** An asset call's result, and the assets it found damaged (bytes that no longer hash to their id). */
export interface AssetJob<T> {
  result: T;
  damaged: string[];
}

export type AssetPutJob = AssetJob<PutAssetResult>;
export type AssetReadJob = AssetJob<StoredAsset[]>;
