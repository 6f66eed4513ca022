// Bundles the server into dist/main.js (and its worker threads beside it). Workspace packages (@drawbridge/*, shipped as
// TypeScript source) are bundled in; npm dependencies stay external and load from node_modules.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const external = Object.keys(pkg.dependencies).filter((name) => !name.startsWith('@drawbridge/'));

// Worker threads are entries of their own, next to main.js (see src/workers/moduleUrl.ts).
await build({
  entryPoints: {
    main: 'src/main.ts',
    'sqlite-worker': 'src/storage/sqlite/worker.ts',
    'snapshot-worker': 'src/storage/snapshotWorker.ts',
    'postgres-worker': 'src/storage/postgres/worker.ts',
    'load-worker': 'src/rooms/loading/loadWorker.ts',
    'preview-worker': 'src/previews/renderWorker.ts',
  },
  outdir: 'dist',
  bundle: true,
  // Code reached only through a dynamic import (PostgreSQL, Redis: see src/services.ts) goes to a
  // chunk of its own, loaded when configured; chunks sit beside the entries, so a worker's URL
  // relative to the module that starts it stays right (src/workers/moduleUrl.ts).
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: [...external, ...external.map((name) => `${name}/*`)],
  logLevel: 'warning',
});
