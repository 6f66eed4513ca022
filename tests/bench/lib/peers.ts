/**
 * The peers package (tests/bench/peers) sits outside the pnpm workspace, so `pnpm install` never
 * downloads Hocuspocus, Excalidraw or tldraw. The bench installs it on first use with `npm ci`
 * from its committed lockfile, and again whenever the lockfile changes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { peersDir } from './servers.js';

const STAMP = path.join(peersDir, 'node_modules', '.drawbridge-installed');

export function ensurePeers(log: (line: string) => void): void {
  const lock = readFileSync(path.join(peersDir, 'package-lock.json'), 'utf8');
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === lock) return;
  log(`installing the bench peers in ${peersDir} (npm ci, first run only)...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: peersDir,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 15 * 60_000,
  });
  writeFileSync(STAMP, lock);
}
