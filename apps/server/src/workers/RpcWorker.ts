import { type TransferListItem, Worker } from 'node:worker_threads';
import { workerEntry } from './moduleUrl.js';
import { isRpcEvent, type RpcRequest, type RpcResponse } from './rpc.js';

export interface RpcWorkerOptions {
  /** `import.meta.url` of the module that owns the worker. */
  callerUrl: string;
  /** The entry, relative to the caller, when running from source (`./sqlite/worker.ts`). */
  sourcePath: string;
  /** The entry's file name next to the bundle (`sqlite-worker.js`). */
  bundledName: string;
  workerData?: unknown;
  /** Messages the worker sends on its own (`emitRpcEvent`). */
  onEvent?: (event: string, payload: unknown) => void;
  /** The worker died; calls in flight were rejected. The next call starts a new one. */
  onExit?: (error: Error) => void;
  name?: string;
}

/** Every worker thread this process runs (`stopAllWorkers`). */
const running = new Set<Worker>();
/** Set once the process stops its workers to exit: a worker that ends is not a death then. */
let exiting = false;

/** Counts `worker` among the threads `stopAllWorkers` stops, until it exits. */
export function trackWorker(worker: Worker): void {
  running.add(worker);
  worker.once('exit', () => running.delete(worker));
}

/**
 * Stops every worker thread: true once all have ended, false if one has not within `waitMs`. A
 * thread blocked in a system call (SQLite writing to a disk that hangs) cannot stop until the
 * call returns, and `process.exit` waits for it (`exitAnyway`).
 */
export async function stopAllWorkers(waitMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), waitMs);
  });
  exiting = true;
  const stopped = Promise.all([...running].map((worker) => worker.terminate())).then(() => true);
  try {
    return await Promise.race([stopped, late]);
  } finally {
    clearTimeout(timer);
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * Request/response calls to one worker thread. The worker keeps the process alive only while a
 * call is in flight, so an idle storage never blocks exit and a pending commit is never cut
 * short. A worker that dies fails its calls in flight and is started again on the next call.
 */
export class RpcWorker {
  readonly #options: RpcWorkerOptions;
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | null = null;
  #nextId = 1;
  #terminated = false;

  constructor(options: RpcWorkerOptions) {
    this.#options = options;
    this.#start();
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  call<T>(method: string, args: unknown[] = [], transfer: TransferListItem[] = []): Promise<T> {
    if (this.#terminated) return Promise.reject(new Error(`${this.#label()} is terminated`));
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.ref();
      const request: RpcRequest = { id, method, args };
      worker.postMessage(request, transfer);
    });
  }

  /** Stops the worker; calls in flight are rejected. */
  async terminate(): Promise<void> {
    this.#terminated = true;
    const worker = this.#worker;
    this.#worker = null;
    if (worker) await worker.terminate();
    this.#failAll(new Error(`${this.#label()} was terminated`));
  }

  #start(): Worker {
    const entry = workerEntry(
      this.#options.callerUrl,
      this.#options.sourcePath,
      this.#options.bundledName,
    );
    const worker = new Worker('url' in entry ? entry.url : entry.bootstrap, {
      eval: !('url' in entry),
      workerData: this.#options.workerData,
      ...(this.#options.name ? { name: this.#options.name } : {}),
    });
    worker.unref();
    trackWorker(worker);
    worker.on('message', (message: RpcResponse | unknown) => {
      if (isRpcEvent(message)) {
        this.#options.onEvent?.(message.event, message.payload);
        return;
      }
      const response = message as RpcResponse;
      const pending = this.#pending.get(response.id);
      if (!pending) return;
      this.#pending.delete(response.id);
      if (this.#pending.size === 0) worker.unref();
      if (response.ok) pending.resolve(response.result);
      else pending.reject(Object.assign(new Error(response.error.message), response.error));
    });
    const died = (error: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      this.#failAll(error);
      if (!this.#terminated && !exiting) this.#options.onExit?.(error);
    };
    worker.on('error', (error) => died(error));
    worker.on('exit', (code) => died(new Error(`${this.#label()} exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #failAll(error: Error): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const { reject } of pending) reject(error);
  }

  #label(): string {
    return this.#options.name ?? 'worker';
  }
}
