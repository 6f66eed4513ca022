/**
 * Client processes for a scenario: `startWorkers(n, module, fn, params)` forks n processes
 * (worker.ts), each running `fn(params, io)` exported by `module`. Workers meet at named
 * barriers (`io.barrier(name, payload)`), which the orchestrator awaits (`group.barrier(name)`,
 * getting every worker's payload) and then releases, e.g. to read the server's CPU time
 * exactly between two phases. A worker that fails or exits fails the whole group.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface WorkerIO {
  index: number;
  count: number;
  /** Waits until every worker reached `name` and the orchestrator released it. */
  barrier(name: string, payload?: unknown): Promise<unknown>;
}

export type ToWorker =
  | { type: 'run'; index: number; count: number; module: string; fn: string; params: unknown }
  | { type: 'release'; name: string; value?: unknown };

export type FromWorker =
  | { type: 'barrier'; name: string; payload?: unknown }
  | { type: 'result'; result: unknown }
  | { type: 'error'; message: string };

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface WorkerGroup<R> {
  /** Resolves with every worker's payload once all reached `name`; then call `release`. */
  barrier(name: string): Promise<unknown[]>;
  release(name: string, value?: unknown): void;
  /** Every worker's return value, in worker order. */
  results(): Promise<R[]>;
  /** Kills every worker still running. */
  kill(): void;
}

export function startWorkers<P, R>(
  count: number,
  module: string,
  fn: string,
  params: P,
): WorkerGroup<R> {
  const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));
  const children: ChildProcess[] = [];
  const arrivals = new Map<string, unknown[]>();
  const waiters = new Map<string, (payloads: unknown[]) => void>();
  const results: R[] = new Array(count);
  let done = 0;
  let failure: Error | null = null;
  let settle: { resolve: (r: R[]) => void; reject: (e: Error) => void } | null = null;
  const rejectors = new Set<(error: Error) => void>();

  const fail = (error: Error) => {
    if (failure) return;
    failure = error;
    settle?.reject(error);
    for (const reject of rejectors) reject(error);
    for (const child of children) child.kill('SIGKILL');
  };

  for (let index = 0; index < count; index++) {
    // TypeScript through tsx, whether the parent is the bench (tsx) or a test runner.
    const child = fork(workerPath, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    live.add(child);
    children.push(child);
    child.on('message', (message: FromWorker) => {
      if (message.type === 'barrier') {
        const list = arrivals.get(message.name) ?? new Array(count).fill(undefined);
        list[index] = message.payload ?? null;
        arrivals.set(message.name, list);
        if (list.every((p) => p !== undefined)) waiters.get(message.name)?.(list);
      } else if (message.type === 'result') {
        results[index] = message.result as R;
        child.disconnect(); // the worker exits once its channel closes
        if (++done === count) settle?.resolve(results);
      } else {
        fail(new Error(`client process ${index} (${fn}) failed: ${message.message}`));
      }
    });
    child.once('exit', (code, signal) => {
      live.delete(child);
      if (results[index] === undefined && !failure) {
        fail(new Error(`client process ${index} (${fn}) exited (code ${code}, signal ${signal})`));
      }
    });
    child.send({ type: 'run', index, count, module, fn, params } satisfies ToWorker);
  }

  return {
    barrier(name) {
      return new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        rejectors.add(reject);
        const list = arrivals.get(name);
        if (list?.every((p) => p !== undefined)) return resolve(list);
        waiters.set(name, resolve);
      });
    },
    release(name, value) {
      for (const child of children) {
        if (child.connected) child.send({ type: 'release', name, value } satisfies ToWorker);
      }
    },
    results() {
      return new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        if (done === count) return resolve(results);
        settle = { resolve, reject };
      });
    },
    kill() {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
