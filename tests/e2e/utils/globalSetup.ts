/**
 * Builds the web app once per run, always: a Vite build takes seconds, and a stale `dist` would
 * silently test yesterday's app.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { artifactsDir, staticDir, webDir, webDist } from './paths.js';

/** Vite's CLI script, resolved from the web app's own dependencies. */
function viteBin(): string {
  const require = createRequire(path.join(webDir, 'package.json'));
  let manifest: string;
  try {
    manifest = require.resolve('vite/package.json');
  } catch {
    // Packages whose `exports` hide package.json: fall back to the linked folder.
    manifest = path.join(webDir, 'node_modules', 'vite', 'package.json');
  }
  if (!existsSync(manifest)) {
    throw new Error(
      `vite is not installed for apps/web (looked for ${manifest}); run pnpm install`,
    );
  }
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const relative = typeof bin === 'string' ? bin : bin?.vite;
  if (!relative) throw new Error(`no "vite" bin in ${manifest}`);
  return path.resolve(path.dirname(manifest), relative);
}

export default function setup(): void {
  mkdirSync(artifactsDir, { recursive: true });
  if (process.env.E2E_STATIC_DIR) {
    if (!existsSync(path.join(staticDir, 'index.html'))) {
      throw new Error(`E2E_STATIC_DIR=${staticDir} has no index.html`);
    }
    return;
  }
  const started = Date.now();
  try {
    execFileSync(process.execPath, [viteBin(), 'build', '--logLevel', 'warn'], {
      cwd: webDir,
      stdio: 'pipe',
      env: { ...process.env, NODE_ENV: 'production', NO_COLOR: '1', FORCE_COLOR: '0' },
    });
  } catch (error) {
    // Not `cause`: the error holds the output buffers, which the reporter would print bytewise.
    const { stdout, stderr, message } = error as Error & { stdout?: Buffer; stderr?: Buffer };
    const output = `${stdout ?? ''}${stderr ?? ''}`.trim() || message;
    const plain = stripVTControlCharacters(output)
      .split('\n')
      .filter((line) => !/^\s+at /.test(line))
      .join('\n')
      .slice(0, 8000);
    throw new Error(`building the web app (vite build in ${webDir}) failed:\n${plain}`);
  }
  if (!existsSync(path.join(webDist, 'index.html'))) {
    throw new Error(`vite build finished but ${webDist}/index.html is missing`);
  }
  if (process.env.E2E_VERBOSE === '1') console.info(`web app built in ${Date.now() - started} ms`);
}
