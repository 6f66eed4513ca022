import { RpcWorker } from '../../workers/RpcWorker.js';
import type { CorruptRecord } from '../SqliteStorage.js';
import type { CompactionResult } from '../Storage.js';

/** How the compaction worker reaches PostgreSQL (its own connection, like the main pool's). */
export interface CompactionWorkerOptions {
  connectionString: string;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  /** The worker's connection as `pg_stat_activity` shows it. */
  applicationName: string;
}

/** One compaction's outcome, and what it met on the way, for the caller's logs and metrics. */
export interface CompactionJob {
  result: CompactionResult | null;
  /** Records skipped because they failed their checksum. */
  corrupt: CorruptRecord[];
  /** Another writer held the board's compaction lock. */
  contended: boolean;
}

/** The application name of the compaction worker's connection. */
export const COMPACTOR_APPLICATION_NAME = 'drawbridge-compactor';

/**
 * PostgreSQL compaction in a worker thread (see `./worker.ts`), started on first use: reading the
 * board, building the snapshot and storing it never run on the event loop. Compactions run one
 * at a time, in the order asked. A worker that dies fails its compaction (the board compacts
 * later); the next one starts a new worker.
 */
export class CompactionWorker {
  #worker: RpcWorker | undefined;
  readonly #options: CompactionWorkerOptions;
  readonly #onExit: (error: Error) => void;

  constructor(options: CompactionWorkerOptions, onExit: (error: Error) => void) {
    this.#options = options;
    this.#onExit = onExit;
  }

  compact(boardId: string, minRecords: number): Promise<CompactionJob> {
    this.#worker ??= new RpcWorker({
      callerUrl: import.meta.url,
      sourcePath: './worker.ts',
      bundledName: 'postgres-worker.js',
      name: 'postgres-compactor',
      workerData: this.#options,
      onExit: this.#onExit,
    });
    return this.#worker.call<CompactionJob>('compact', [boardId, minRecords]);
  }

  /** Closes the worker's connection, then the worker. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (!worker) return;
    try {
      await worker.call('close');
    } finally {
      await worker.terminate();
    }
  }
}
