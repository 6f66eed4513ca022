// Bundles the server into dist/main.js (and its worker threads beside it): our code, the
// workspace packages (@drawbridge/*, shipped as TypeScript source) and the npm dependencies, so
// that starting the server loads a few files instead of resolving and compiling hundreds from
// node_modules. Measured on the 2-core development host, process start to listening: 480-490 ms
// with the dependencies loaded from node_modules, 312-366 ms bundled; in the reconnect storm
// (`pnpm bench --only=reconnect`, clients retrying meanwhile) process start to ready took
// 1.31-1.46 s and 1.03-1.48 s bundled, four rounds each. Native addons, and the optional native
// helpers some dependencies try to load, stay external. `tests/bundle.test.ts` runs the bundle.
import { build } from 'esbuild';

const external = [
  'better-sqlite3',
  '@resvg/resvg-js',
  // Optional: tried in a try/catch by pg, ws and engine.io; absent here.
  'pg-native',
  'bufferutil',
  'utf-8-validate',
  'uWebSockets.js',
];

const COMMONJS_GLOBALS = [
  "import { createRequire as __createRequire } from 'node:module';",
  "import { fileURLToPath as __fileURLToPath } from 'node:url';",
  "import { dirname as __pathDirname } from 'node:path';",
  'const require = __createRequire(import.meta.url);',
  'const __filename = __fileURLToPath(import.meta.url);',
  'const __dirname = __pathDirname(__filename);',
].join(' ');

// Worker threads are entries of their own, next to main.js (see src/workers/moduleUrl.ts).
await build({
  entryPoints: {
    main: 'src/main.ts',
    'sqlite-worker': 'src/storage/sqlite/worker.ts',
    'snapshot-worker': 'src/storage/snapshotWorker.ts',
    'postgres-worker': 'src/storage/postgres/worker.ts',
    'load-worker': 'src/rooms/loading/loadWorker.ts',
    'preview-worker': 'src/previews/renderWorker.ts',
    'version-file-worker': 'src/versions/fileWorker.ts',
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
  // CommonJS dependencies call `require` (Node built-ins, the external addons) and read
  // `__dirname` (ioredis, in an error path): in an ES module both have to be made, per file.
  banner: { js: COMMONJS_GLOBALS },
  logLevel: 'warning',
});
