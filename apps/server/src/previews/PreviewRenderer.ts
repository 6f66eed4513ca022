import type { Logger } from '../logger.js';
import type { Storage } from '../storage/Storage.js';
import { pack, transferOf } from '../workers/packing.js';
import { RpcWorker } from '../workers/RpcWorker.js';
import type { PreviewResult } from './renderPreview.js';

export { PREVIEW_HEIGHT, PREVIEW_WIDTH } from './previewSize.js';

export interface Preview {
  png: Uint8Array;
  /** The board's stored head seq when rendered: the ETag. */
  version: string;
}

export interface PreviewRendererOptions {
  storage: Storage;
  logger: Logger;
  /** A board is rendered at most once per this interval; requests in between get the last one. */
  minIntervalMs?: number;
  /** Renders waiting for the worker, over every board; past it, requests get the last one (or 503). */
  maxQueue?: number;
  /** Boards whose last thumbnail is kept. */
  maxEntries?: number;
  /** The pictures of a board's image shapes, as data URLs (null: stored but not drawable). */
  images?: (boardId: string, assetIds: string[]) => Promise<Map<string, string | null>>;
}

/** No thumbnail to serve and no room in the queue to render one: answer 503, retry later. */
export class PreviewBusyError extends Error {
  constructor() {
    super('too many previews are rendering; retry later');
    this.name = 'PreviewBusyError';
  }
}

interface Entry extends Preview {
  renderedAt: number;
}

/**
 * Board thumbnails (Open Graph images), rendered from the stored board in a worker thread, one
 * at a time, so a render never holds the event loop. The version is the board's stored head
 * seq, which every stored change advances: a thumbnail is fresh while it is unchanged. A board
 * changed since its last thumbnail gets a new render at most once per `minIntervalMs`; while it
 * renders (or waits for the interval), requests get the last thumbnail. Repeated requests for
 * a busy board cost a head lookup, never a render.
 */
export class PreviewRenderer {
  readonly #options: Required<Omit<PreviewRendererOptions, 'storage' | 'logger' | 'images'>> &
    PreviewRendererOptions;
  readonly #cache = new Map<string, Entry>();
  readonly #rendering = new Map<string, Promise<Entry>>();
  #worker: RpcWorker | null = null;

  constructor(options: PreviewRendererOptions) {
    this.#options = { minIntervalMs: 2000, maxQueue: 8, maxEntries: 256, ...options };
  }

  async render(boardId: string): Promise<Preview> {
    const { storage } = this.#options;
    const head = (await storage.headSeqs([boardId])).get(boardId) ?? 0;
    const version = `s${head}`;
    const cached = this.#cache.get(boardId);
    if (cached?.version === version) return cached;
    const rendering = this.#rendering.get(boardId);
    if (cached && (rendering || Date.now() - cached.renderedAt < this.#options.minIntervalMs)) {
      return cached;
    }
    if (rendering) return rendering;
    if (this.#rendering.size >= this.#options.maxQueue) {
      if (cached) return cached;
      throw new PreviewBusyError();
    }
    const job = this.#renderNow(boardId).finally(() => this.#rendering.delete(boardId));
    this.#rendering.set(boardId, job);
    if (cached) {
      job.catch((error: unknown) =>
        this.#options.logger.warn({ boardId, err: error }, 'preview failed'),
      );
      return cached;
    }
    return job;
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    await worker?.terminate();
  }

  async #renderNow(boardId: string): Promise<Entry> {
    const stored = await this.#options.storage.load(boardId);
    this.#worker ??= new RpcWorker({
      callerUrl: import.meta.url,
      sourcePath: './renderWorker.ts',
      bundledName: 'preview-worker.js',
      name: 'preview-renderer',
      onExit: (error) =>
        this.#options.logger.error({ err: error }, 'preview worker died; restarting'),
    });
    const render = async (images: Record<string, string | null> | null) => {
      const packed = pack(stored.updates);
      return this.#worker!.call<PreviewResult>('render', [packed, images], transferOf(packed));
    };
    let result = await render(null);
    if ('needs' in result) {
      const found = (await this.#options.images?.(boardId, result.needs)) ?? new Map();
      result = await render(Object.fromEntries(found));
      if ('needs' in result) throw new Error('preview worker asked for images twice');
    }
    // Until every picture shows, the tag differs, so a copy with placeholders gets replaced.
    const version = result.complete ? `s${stored.lastSeq}` : `s${stored.lastSeq}-partial`;
    const entry: Entry = { png: result.png, version, renderedAt: Date.now() };
    this.#cache.delete(boardId);
    this.#cache.set(boardId, entry);
    if (this.#cache.size > this.#options.maxEntries) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    return entry;
  }
}
