import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** How to start a worker: a module URL, or (from source) a bootstrap script to evaluate. */
export type WorkerEntry = { url: URL } | { bootstrap: string };

/**
 * Where a worker's entry module is. From the bundle (`pnpm start`) it is a `.js` file next to
 * `main.js`, built by `build.mjs`. From source (tests, `pnpm dev`) it is a `.ts` file next to
 * its caller: the worker first registers tsx's loader (a worker does not inherit the loader of
 * the thread that starts it), then imports the entry.
 */
export function workerEntry(
  callerUrl: string,
  sourcePath: string,
  bundledName: string,
): WorkerEntry {
  if (!callerUrl.endsWith('.ts')) return { url: new URL(`./${bundledName}`, callerUrl) };
  const tsxApi = tsxEsmApi();
  const entry = new URL(sourcePath, callerUrl).href;
  return {
    bootstrap: `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
  };
}

/**
 * The ESM build of tsx's `register` API. `require.resolve` would give the CommonJS build, which
 * cannot register the ESM loader; resolved from this file so any cwd works.
 */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  const path = pkg.exports['./esm/api']?.import?.default;
  if (!path) throw new Error('tsx has no ./esm/api import entry');
  return pathToFileURL(join(dirname(manifest), path)).href;
}
