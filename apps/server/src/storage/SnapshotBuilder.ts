import { pack, transferOf } from '../workers/packing.js';
import { RpcWorker } from '../workers/RpcWorker.js';

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
    const packed = pack(updates);
    this.#worker ??= new RpcWorker({
      callerUrl: import.meta.url,
      sourcePath: './snapshotWorker.ts',
      bundledName: 'snapshot-worker.js',
      name: 'snapshot-builder',
      onExit: this.#onExit,
    });
    return this.#worker.call<Uint8Array>('build', [packed], transferOf(packed));
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }
}
