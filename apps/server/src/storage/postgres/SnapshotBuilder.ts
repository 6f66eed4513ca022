import { RpcWorker } from '../../workers/RpcWorker.js';
import type { BuiltVersion } from '../versionSnapshot.js';

/**
 * `buildSnapshot` in a worker thread, started on the first compaction (most storages never
 * compact in a given minute, and a thread costs memory). A worker that dies fails its build;
 * the next build starts a new one.
 */
export class SnapshotBuilder {
  #worker: RpcWorker | undefined;
  readonly #onExit: (error: Error) => void;

  constructor(onExit: (error: Error) => void) {
    this.#onExit = onExit;
  }

  build(updates: readonly Uint8Array[]): Promise<Uint8Array> {
    return this.#call<Uint8Array>('build', updates);
  }

  /** A version of the board from its records (see `buildVersion`). */
  version(updates: readonly Uint8Array[]): Promise<BuiltVersion> {
    return this.#call<BuiltVersion>('version', updates);
  }

  #call<T>(method: string, updates: readonly Uint8Array[]): Promise<T> {
    // One buffer for all records, moved to the worker: no per-record copies across threads,
    // and records that are views into a shared pool are never transferred out from under it.
    const total = updates.reduce((sum, update) => sum + update.byteLength, 0);
    const packed = new Uint8Array(total);
    let offset = 0;
    for (const update of updates) {
      packed.set(update, offset);
      offset += update.byteLength;
    }
    this.#worker ??= new RpcWorker({
      callerUrl: import.meta.url,
      sourcePath: './snapshotWorker.ts',
      bundledName: 'postgres-snapshot-worker.js',
      name: 'postgres-snapshot',
      onExit: this.#onExit,
    });
    const lengths = updates.map((update) => update.byteLength);
    return this.#worker.call<T>(method, [packed, lengths], [packed.buffer]);
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }
}
