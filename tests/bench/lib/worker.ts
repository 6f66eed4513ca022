/**
 * A client process of the bench: imports one scenario module and runs one of its exported
 * client functions, talking to the orchestrator (workers.ts) over the fork IPC channel.
 */
import { pathToFileURL } from 'node:url';
import type { FromWorker, ToWorker, WorkerIO } from './workers.js';

const post = (message: FromWorker) => process.send!(message);
const released = new Map<string, (value: unknown) => void>();

process.on('message', async (message: ToWorker) => {
  if (message.type === 'release') {
    released.get(message.name)?.(message.value);
    released.delete(message.name);
    return;
  }
  const io: WorkerIO = {
    index: message.index,
    count: message.count,
    barrier: (name, payload) =>
      new Promise((resolve) => {
        released.set(name, resolve);
        post({ type: 'barrier', name, payload });
      }),
  };
  try {
    const module = (await import(pathToFileURL(message.module).href)) as Record<
      string,
      (params: unknown, io: WorkerIO) => Promise<unknown>
    >;
    const run = module[message.fn];
    if (typeof run !== 'function') throw new Error(`${message.module} exports no ${message.fn}`);
    const result = await run(message.params, io);
    post({ type: 'result', result });
  } catch (error) {
    post({
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
});

// The orchestrator is gone (crash, Ctrl-C, deadline): nothing left to do.
process.on('disconnect', () => process.exit(0));
