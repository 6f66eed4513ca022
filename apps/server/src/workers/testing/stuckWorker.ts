/**
 * A process for `exitAnyway.test.ts`: its worker thread blocks in a system call (a read of a
 * FIFO nobody writes to, as SQLite's in a write to a disk that hangs) or idles, then it exits.
 *
 * Usage: node --import tsx stuckWorker.ts <fifo> <blocked|idle> <anyway|plain>
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { exitAnyway } from '../exitAnyway.js';
import { trackWorker } from '../RpcWorker.js';

const [fifo, state, how] = process.argv.slice(2);
const body =
  state === 'blocked'
    ? `const fs = require('node:fs');
       const fd = fs.openSync(${JSON.stringify(fifo)}, 'r+');
       require('node:worker_threads').parentPort.postMessage(fd);
       fs.readSync(fd, Buffer.alloc(1));`
    : `require('node:worker_threads').parentPort.postMessage(-1);
       setInterval(() => {}, 1000);`;

/** True once a thread of this process is in read(2) of `fd` (Linux: its `syscall` file). */
const reading = (fd: number) =>
  readdirSync('/proc/self/task').some((tid) => {
    try {
      return readFileSync(`/proc/self/task/${tid}/syscall`, 'utf8').startsWith(
        `0 0x${fd.toString(16)} `,
      );
    } catch {
      return false;
    }
  });

const worker = new Worker(body, { eval: true });
trackWorker(worker);
worker.once('message', (fd: number) => {
  const exit = () => {
    console.log('exiting');
    if (how === 'anyway') void exitAnyway(1, 300);
    else process.exit(1);
  };
  if (fd < 0) return exit();
  // The worker posted before it read: exit once it is blocked in the read, not before.
  const deadline = Date.now() + 10_000;
  const poll = setInterval(() => {
    if (!reading(fd) && Date.now() < deadline) return;
    clearInterval(poll);
    exit();
  }, 5);
});
