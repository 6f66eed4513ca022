import type { RestoreSummary } from '@drawbridge/board';
import type { Logger } from '../logger.js';
import type { StoredVersion } from '../storage/VersionStore.js';
import { RpcWorker } from '../workers/RpcWorker.js';
import { ownBytes } from '../workers/serveRpc.js';

export interface VersionFilesOptions {
  logger: Logger;
  /** Files being made or waiting for the worker, over every board; past it, 503. */
  maxQueue?: number;
  /** Bytes of files kept, the most recently asked for first. */
  maxCachedBytes?: number;
}

/** No room in the queue to make a version's file: answer 503, retry later. */
export class VersionFileBusyError extends Error {
  constructor() {
    super('too many version files are being made; retry later');
    this.name = 'VersionFileBusyError';
  }
}

/**
 * A version as a board file (JSON), made in a worker thread: reading a 10,000-shape version
 * into a document and writing its shapes out held the event loop 600-850 ms per request, and
 * any viewer may ask, again and again. A version never changes, so a file made is kept (up to
 * `maxCachedBytes`), and requests for a file being made wait for it rather than make it again.
 */
export class VersionFiles {
  readonly #options: Required<Omit<VersionFilesOptions, 'logger'>> & VersionFilesOptions;
  readonly #cache = new Map<string, Uint8Array>();
  #cachedBytes = 0;
  readonly #making = new Map<string, Promise<Uint8Array>>();
  #worker: RpcWorker | null = null;

  constructor(options: VersionFilesOptions) {
    this.#options = { maxQueue: 4, maxCachedBytes: 32 * 1024 * 1024, ...options };
  }

  /** The version's board file, as UTF-8 JSON bytes. Its state is moved (detached here). */
  file(boardId: string, version: StoredVersion): Promise<Uint8Array> {
    const key = `${boardId}\0${version.info.versionId}`;
    const cached = this.#cache.get(key);
    if (cached) {
      // Most recently used last: the first entry is the next to go.
      this.#cache.delete(key);
      this.#cache.set(key, cached);
      return Promise.resolve(cached);
    }
    const making = this.#making.get(key);
    if (making) return making;
    if (this.#making.size >= this.#options.maxQueue) {
      return Promise.reject(new VersionFileBusyError());
    }
    const job = this.#make(version.state)
      .then((file) => {
        this.#keep(key, file);
        return file;
      })
      .finally(() => this.#making.delete(key));
    this.#making.set(key, job);
    return job;
  }

  /**
   * The update that makes a board (its whole state, `board`) equal to a version, made in the
   * worker: reading both into documents and comparing them took 400-570 ms of the event loop for
   * 10,000 shapes. Null when the board already is. The board's state is copied (it may be the
   * encoding kept for joins); the version's is moved (detached here).
   */
  restoreUpdate(
    board: Uint8Array,
    version: StoredVersion,
  ): Promise<{ update: Uint8Array | null; summary: RestoreSummary }> {
    const [a, b] = [board.slice(), ownBytes(version.state)];
    return this.#ensureWorker().call(
      'restore',
      [a, b],
      [a.buffer as ArrayBuffer, b.buffer as ArrayBuffer],
    );
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    await worker?.terminate();
  }

  #make(state: Uint8Array): Promise<Uint8Array> {
    // Moved, not copied (a copy of a few megabytes is milliseconds of the event loop).
    const moved = ownBytes(state);
    return this.#ensureWorker().call<Uint8Array>('file', [moved], [moved.buffer as ArrayBuffer]);
  }

  #ensureWorker(): RpcWorker {
    this.#worker ??= new RpcWorker({
      callerUrl: import.meta.url,
      sourcePath: './fileWorker.ts',
      bundledName: 'version-file-worker.js',
      name: 'version-files',
      onExit: (error) =>
        this.#options.logger.error({ err: error }, 'version file worker died; restarting'),
    });
    return this.#worker;
  }

  #keep(key: string, file: Uint8Array): void {
    if (file.byteLength > this.#options.maxCachedBytes) return;
    this.#cache.set(key, file);
    this.#cachedBytes += file.byteLength;
    for (const [oldest, bytes] of this.#cache) {
      if (this.#cachedBytes <= this.#options.maxCachedBytes) break;
      this.#cache.delete(oldest);
      this.#cachedBytes -= bytes.byteLength;
    }
  }
}
