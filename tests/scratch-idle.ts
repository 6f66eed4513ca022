import { spawn } from 'node:child_process';
import { writeHeapSnapshot } from 'node:v8';
import { DEFAULT_LIMITS } from '@drawbridge/protocol';
import { createServer } from '../apps/server/src/createServer.js';
import { SqliteStorage } from '../apps/server/src/storage/SqliteStorage.js';

const server = createServer({
  storage: new SqliteStorage({ file: `/tmp/scratch/idle-${Date.now()}.sqlite` }),
  limits: { ...DEFAULT_LIMITS, maxMessagesPerSecond: 1e6 },
});
const { port } = await server.listen(0, '127.0.0.1');
const mem = () => {
  global.gc?.();
  global.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, ext: m.external + m.arrayBuffers };
};
const N = Number(process.argv[2] ?? 2000);
const before = mem();
const child = spawn(
  process.execPath,
  ['--import', 'tsx', 'tests/scratch-idle-clients.ts', `http://127.0.0.1:${port}`, String(N)],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
await new Promise<void>((r) => child.stdout!.on('data', (d) => String(d).includes('ready') && r()));
await new Promise((r) => setTimeout(r, 1500));
const after = mem();
console.log('per conn bytes', {
  rss: ((after.rss - before.rss) / N).toFixed(0),
  heap: ((after.heap - before.heap) / N).toFixed(0),
  ext: ((after.ext - before.ext) / N).toFixed(0),
});
if (process.argv[3]) writeHeapSnapshot(process.argv[3]);
child.stdin!.write('x');
await server.close();
process.exit(0);
