import type { AssetCache } from './AssetCache.js';
import { UploadRefused, uploadAsset } from './assetApi.js';

export interface UploadQueueOptions {
  boardId: string;
  token: string | null;
  cache: AssetCache;
  now: () => number;
  /** An owed upload the server refused for good (the image shows as missing to others). */
  onRefused: (message: string) => void;
}

/**
 * The images a board owes the server, kept in IndexedDB until it has them: an image added
 * offline is uploaded on reconnect before the board rejoins (`flush` runs before each join), so
 * the shape that shows it never reaches the others before its picture can.
 */
export class UploadQueue {
  readonly #options: UploadQueueOptions;
  #flushing: Promise<void> | null = null;

  constructor(options: UploadQueueOptions) {
    this.#options = options;
  }

  /**
   * Owes the image and tries to upload it now: 'uploaded', or 'queued' when the server cannot
   * be reached (it goes with the next flush). Throws `UploadRefused` (nothing is owed then).
   */
  async add(assetId: string, blob: Blob): Promise<'uploaded' | 'queued'> {
    const { boardId, token, cache, now } = this.#options;
    await cache.owe(boardId, assetId, blob, now()).catch(() => undefined);
    try {
      await uploadAsset(boardId, token, blob);
    } catch (error) {
      if (!(error instanceof UploadRefused)) return 'queued';
      await cache.settle(boardId, assetId);
      throw error;
    }
    await cache.settle(boardId, assetId);
    return 'uploaded';
  }

  /** Uploads everything owed, oldest first; stops at the first that cannot reach the server. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flush().finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  async #flush(): Promise<void> {
    const { boardId, token, cache, onRefused } = this.#options;
    for (const upload of await cache.pending(boardId)) {
      try {
        await uploadAsset(boardId, token, upload.blob);
      } catch (error) {
        if (!(error instanceof UploadRefused)) return;
        onRefused(error.message);
      }
      await cache.settle(boardId, upload.assetId);
    }
  }
}
