import type { AssetStore } from '../storage/AssetStore.js';

/** Bytes of pictures one preview may embed; past it, the rest show as placeholders. */
const PREVIEW_IMAGE_BYTES = 24 * 1024 * 1024;
/** resvg draws these; WebP pictures show as placeholders in previews. */
const PREVIEW_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif']);

/** Loads a board's pictures for its preview, as data URLs (null: stored, not drawable). */
export function previewImages(assets: AssetStore) {
  return async (boardId: string, assetIds: string[]): Promise<Map<string, string | null>> => {
    const found = await assets.getMany(boardId, assetIds, PREVIEW_IMAGE_BYTES);
    return new Map(
      found.map((asset) => [
        asset.assetId,
        PREVIEW_TYPES.has(asset.type)
          ? `data:${asset.type};base64,${Buffer.from(asset.data).toString('base64')}`
          : null,
      ]),
    );
  };
}
