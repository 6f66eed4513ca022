import { type Packed, pack, transferOf } from '../workers/packing.js';
import { RpcWorker } from '../workers/RpcWorker.js';
import type { BuiltVersion } from './versionSnapshot.js';

/**
 * `buildSnapshot` and `buildVersion` in a worker thread, started on first use (most storages
 * never compact in a given minute, and a thread costs memory). A worker that dies fails its
 * build; the next build starts a new one.
 */
export class SnapshotBuilder {
  #worker: RpcWorker | undefined;
  readonly #onExit: (error: Error) => void;

  constructor(onExit: (error: Error) => void) {
    this.#onExit = onExit;
  }

  /** The board's snapshot from its records (given packed, they are moved to the worker). */
  build(updates: readonly Uint8Array[] | Packed): Promise<Uint8Array> {
    return this.#call<Uint8Array>('build', updates);
  }

  /** A version of the board from its records (see `buildVersion`); given packed, they are moved. */
  version(updates: readonly Uint8Array[] | Packed): Promise<BuiltVersion> {
    return this.#call<BuiltVersion>('version', updates);
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #call<T>(method: string, updates: readonly Uint8Array[] | Packed): Promise<T> {
    this.#worker ??= new RpcWorker({
      callerUrl: import.meta.url,
      sourcePath: './snapshotWorker.ts',
      bundledName: 'snapshot-worker.js',
      name: 'snapshot-builder',
      onExit: this.#onExit,
    });
    const packed = 'lengths' in updates ? updates : pack(updates);
    return this.#worker.call<T>(method, [packed], transferOf(packed));
  }
}
