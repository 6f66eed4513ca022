import { Emitter } from '../util/Emitter.js';
import type { AssetCache } from './AssetCache.js';
import { downloadAsset } from './assetApi.js';

export type ImageStatus = 'loading' | 'ready' | 'missing';

export interface ImageState {
  status: ImageStatus;
  /** Decoded, when ready. */
  bitmap: ImageBitmap | null;
}

/** What the renderer asks for; an image source that never loads anything is valid too. */
export interface ImageSource {
  image(assetId: string): ImageState;
}

interface Entry extends ImageState {
  blob: Blob | null;
  /** Downloads that found nothing so far (the upload may still be on its way). */
  misses: number;
  timer: ReturnType<typeof setTimeout> | null;
  busy: boolean;
}

export interface AssetLoaderOptions {
  boardId: string;
  token: string | null;
  cache: AssetCache;
  /** Whether the board is connected now; downloads wait for it. */
  online: () => boolean;
}

/**
 * A board's pictures for drawing: from memory, else this browser's cache, else the server (then
 * kept in the cache for offline use). An image the server does not have yet is "loading" while
 * its upload may still arrive (an image added offline reaches the server before its shape does,
 * but a slow upload may not), then "missing"; a network failure leaves it "loading" until the
 * board is back online (`retry`). `changed` fires whenever an image's state changes.
 */
export class AssetLoader implements ImageSource {
  readonly changed = new Emitter();
  readonly #options: AssetLoaderOptions;
  readonly #entries = new Map<string, Entry>();
  #destroyed = false;

  /** Waits after a download found nothing: about half a minute in all, then "missing". */
  static readonly RETRY_MS = [500, 1000, 2000, 4000, 8000, 15000];

  constructor(options: AssetLoaderOptions) {
    this.#options = options;
  }

  image(assetId: string): ImageState {
    let entry = this.#entries.get(assetId);
    if (!entry) {
      entry = { status: 'loading', bitmap: null, blob: null, misses: 0, timer: null, busy: false };
      this.#entries.set(assetId, entry);
      void this.#load(assetId, entry);
    }
    return entry;
  }

  /** An image this browser just added: shown at once, kept for offline use. */
  async add(assetId: string, blob: Blob): Promise<void> {
    await this.#options.cache.put(assetId, blob);
    const entry = this.#entries.get(assetId);
    if (entry?.status === 'ready') return;
    const fresh = entry ?? {
      status: 'loading' as const,
      bitmap: null,
      blob: null,
      misses: 0,
      timer: null,
      busy: false,
    };
    this.#entries.set(assetId, fresh);
    await this.#show(assetId, fresh, blob);
  }

  /** The image's bytes once it loaded (exports embed them); null when it is missing. */
  async blob(assetId: string, timeoutMs = 10_000): Promise<Blob | null> {
    await this.settle([assetId], timeoutMs);
    return this.#entries.get(assetId)?.blob ?? null;
  }

  /** Resolves once each image is ready or missing, or after `timeoutMs`. */
  settle(assetIds: readonly string[], timeoutMs = 10_000): Promise<void> {
    const pending = () => assetIds.some((id) => this.image(id).status === 'loading');
    if (!pending()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(finish, timeoutMs);
      const off = this.changed.subscribe(() => {
        if (!pending()) finish();
      });
      function finish() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }

  /**
   * The board is online again: images waiting on the network try now, and missing ones look
   * once more (an upload may have arrived since).
   */
  retry(): void {
    for (const [assetId, entry] of this.#entries) {
      if (entry.status === 'ready' || entry.busy) continue;
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = null;
      void this.#load(assetId, entry);
    }
  }

  destroy(): void {
    this.#destroyed = true;
    for (const entry of this.#entries.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.bitmap?.close();
    }
    this.#entries.clear();
    this.changed.clear();
  }

  async #load(assetId: string, entry: Entry): Promise<void> {
    if (entry.busy || this.#destroyed) return;
    entry.busy = true;
    try {
      const cached = await this.#options.cache.get(assetId);
      if (cached && (await this.#show(assetId, entry, cached))) return;
      if (!this.#options.online()) return; // `retry` comes when the board is back
      const { boardId, token } = this.#options;
      let blob: Blob | null;
      try {
        blob = await downloadAsset(boardId, token, assetId);
      } catch {
        return; // the network: `retry` on the next reconnect
      }
      if (this.#destroyed) return;
      if (blob && (await this.#show(assetId, entry, blob))) {
        await this.#options.cache.put(assetId, blob);
        return;
      }
      this.#missed(assetId, entry);
    } finally {
      entry.busy = false;
    }
  }

  #missed(assetId: string, entry: Entry): void {
    if (entry.status === 'missing') return;
    const wait = AssetLoader.RETRY_MS[entry.misses];
    entry.misses++;
    if (wait === undefined) {
      this.#set(entry, 'missing', null);
      return;
    }
    entry.timer = setTimeout(() => {
      entry.timer = null;
      void this.#load(assetId, entry);
    }, wait);
  }

  /** Decodes and shows the bytes; false when they are not a picture the browser can draw. */
  async #show(assetId: string, entry: Entry, blob: Blob): Promise<boolean> {
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(blob);
    } catch {
      return false;
    }
    if (this.#destroyed || this.#entries.get(assetId) !== entry) {
      bitmap.close();
      return true;
    }
    entry.blob = blob;
    this.#set(entry, 'ready', bitmap);
    return true;
  }

  #set(entry: Entry, status: ImageStatus, bitmap: ImageBitmap | null): void {
    if (entry.bitmap && entry.bitmap !== bitmap) entry.bitmap.close();
    entry.status = status;
    entry.bitmap = bitmap;
    this.changed.emit();
  }
}
