import { Idb } from '../util/idb.js';

/** An image's bytes as kept in this browser. */
export interface CachedAsset {
  assetId: string;
  blob: Blob;
}

/** An image added to a board and not yet confirmed stored by the server. */
export interface PendingUpload {
  /** `${boardId}/${assetId}` */
  key: string;
  boardId: string;
  assetId: string;
  blob: Blob;
  addedAt: number;
}

const BLOBS = 'blobs';
const UPLOADS = 'uploads';

/**
 * This browser's images, in IndexedDB: every image seen or added (so boards show their
 * pictures offline and after a reload) and the uploads still owed to the server (images added
 * offline). Shared by every board: images are addressed by hash.
 */
export class AssetCache {
  readonly #db = new Idb('drawbridge-images', 1, [
    { name: BLOBS, keyPath: 'assetId' },
    { name: UPLOADS, keyPath: 'key', indexes: ['boardId'] },
  ]);

  async get(assetId: string): Promise<Blob | null> {
    const found = await this.#db.get<CachedAsset>(BLOBS, assetId).catch(() => undefined);
    return found?.blob ?? null;
  }

  /** Keeps the bytes; a failure (storage full, blocked) only costs the offline copy. */
  async put(assetId: string, blob: Blob): Promise<void> {
    await this.#db.put(BLOBS, { assetId, blob } satisfies CachedAsset).catch(() => undefined);
  }

  async pending(boardId: string): Promise<PendingUpload[]> {
    const list = await this.#db
      .getAll<PendingUpload>(UPLOADS, { name: 'boardId', value: boardId })
      .catch(() => []);
    return list.sort((a, b) => a.addedAt - b.addedAt);
  }

  /** Remembers an upload owed; resolves once it is on disk (it must survive a reload). */
  async owe(boardId: string, assetId: string, blob: Blob, now: number): Promise<void> {
    const upload: PendingUpload = {
      key: `${boardId}/${assetId}`,
      boardId,
      assetId,
      blob,
      addedAt: now,
    };
    await this.#db.put(UPLOADS, upload);
  }

  async settle(boardId: string, assetId: string): Promise<void> {
    await this.#db.delete(UPLOADS, `${boardId}/${assetId}`).catch(() => undefined);
  }
}
