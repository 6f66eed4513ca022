import type {
  AssetInfo,
  AssetStore,
  AssetUsage,
  GarbageReport,
  NewAsset,
  PutAssetResult,
  StoredAsset,
} from '../AssetStore.js';

interface Asset extends StoredAsset {
  createdAt: number;
}

/** What collection needs to know of a board: its head and what its versions refer to. */
export interface BoardRefs {
  head(boardId: string): number;
  /** through_seq of the newest version (0 without one). */
  newestVersionSeq(boardId: string): number;
  versionsRefer(boardId: string, assetId: string): boolean;
}

const info = ({ assetId, type, width, height, bytes }: StoredAsset): AssetInfo => ({
  assetId,
  type,
  width,
  height,
  bytes,
});

/** The asset contract in memory: the reference behaviour for `assetContract.ts`. */
export class MemoryAssets implements AssetStore {
  readonly name = 'assets';
  readonly #assets = new Map<string, Asset>();
  /** boardId -> assetId -> added at. */
  readonly #links = new Map<string, Map<string, number>>();

  constructor(private readonly refs: BoardRefs) {}

  async put(
    boardId: string,
    asset: NewAsset,
    options: { maxBoardBytes: number; now: number },
  ): Promise<PutAssetResult> {
    const links = this.#linksOf(boardId);
    if (links.has(asset.assetId)) {
      return { ok: true, asset: info(this.#assets.get(asset.assetId)!), created: false };
    }
    const used = (await this.usage(boardId)).bytes;
    if (used + asset.data.byteLength > options.maxBoardBytes) {
      return { ok: false, reason: 'board-full', used, limit: options.maxBoardBytes };
    }
    // Read after the wait: another board's upload of the same bytes may have stored them.
    const existing = this.#assets.get(asset.assetId);
    const stored = existing ?? {
      ...asset,
      data: asset.data.slice(),
      bytes: asset.data.byteLength,
      createdAt: options.now,
    };
    this.#assets.set(asset.assetId, stored);
    links.set(asset.assetId, options.now);
    return { ok: true, asset: info(stored), created: !existing };
  }

  async get(boardId: string, assetId: string): Promise<StoredAsset | null> {
    const asset = this.#links.get(boardId)?.has(assetId) ? this.#assets.get(assetId) : undefined;
    return asset ? { ...info(asset), data: asset.data.slice() } : null;
  }

  async getMany(
    boardId: string,
    assetIds: readonly string[],
    maxBytes: number,
  ): Promise<StoredAsset[]> {
    const found: StoredAsset[] = [];
    let total = 0;
    for (const id of new Set(assetIds)) {
      const asset = await this.get(boardId, id);
      if (!asset || total + asset.bytes > maxBytes) continue;
      total += asset.bytes;
      found.push(asset);
    }
    return found;
  }

  async list(boardId: string): Promise<AssetInfo[]> {
    const links = [...(this.#links.get(boardId) ?? new Map<string, number>())];
    links.sort(([a, at], [b, bt]) => at - bt || (a < b ? -1 : 1));
    return links.map(([id]) => info(this.#assets.get(id)!));
  }

  async boardBytes(boardIds: readonly string[]): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    for (const id of boardIds) sizes.set(id, (await this.usage(id)).bytes);
    return sizes;
  }

  async usage(boardId: string): Promise<AssetUsage> {
    const list = await this.list(boardId);
    return { count: list.length, bytes: list.reduce((sum, asset) => sum + asset.bytes, 0) };
  }

  async collectGarbage({ now, graceMs }: { now: number; graceMs: number }): Promise<GarbageReport> {
    const cutoff = now - graceMs;
    const report: GarbageReport = { links: 0, assets: 0 };
    for (const [boardId, links] of this.#links) {
      if (this.refs.head(boardId) > this.refs.newestVersionSeq(boardId)) continue;
      for (const [assetId, addedAt] of links) {
        if (addedAt >= cutoff || this.refs.versionsRefer(boardId, assetId)) continue;
        links.delete(assetId);
        report.links++;
      }
    }
    report.assets = this.#dropOrphans(cutoff);
    return report;
  }

  async deleteBoard(boardId: string): Promise<void> {
    this.#links.delete(boardId);
    this.#dropOrphans(Number.MAX_SAFE_INTEGER);
  }

  #dropOrphans(cutoff: number): number {
    const linked = new Set([...this.#links.values()].flatMap((links) => [...links.keys()]));
    let dropped = 0;
    for (const [id, asset] of this.#assets) {
      if (asset.createdAt < cutoff && !linked.has(id)) {
        this.#assets.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  #linksOf(boardId: string): Map<string, number> {
    let links = this.#links.get(boardId);
    if (!links) {
      links = new Map();
      this.#links.set(boardId, links);
    }
    return links;
  }
}
