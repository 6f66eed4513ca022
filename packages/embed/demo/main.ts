/**
 * `pnpm demo:embed`: starts Drawbridge on http://localhost:3000 (tokens required, the demo page
 * allowed to frame it) and a host page on http://localhost:3001, another origin, with an
 * editable and a read-only embed of one board side by side. Ctrl+C stops both.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHostPage } from './hostPage.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const serverPort = Number(process.env.DRAWBRIDGE_PORT ?? 3000);
const demoPort = Number(process.env.DEMO_PORT ?? 3001);
const boardId = process.env.DEMO_BOARD ?? 'embed-demo';
const serverUrl = `http://localhost:${serverPort}`;
const demoOrigin = `http://localhost:${demoPort}`;

function waitForServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`Drawbridge exited with code ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      if (chunk.toString().includes('Drawbridge listening')) resolve();
    });
  });
}

async function mintLink(adminToken: string, role: 'editor' | 'viewer'): Promise<string> {
  const response = await fetch(`${serverUrl}/api/boards/${boardId}/links`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role, ttl: '1d' }),
  });
  if (!response.ok) throw new Error(`minting a ${role} link failed: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(root, 'apps/web/dist/index.html'))) {
    console.log('Building the web app...');
    execFileSync('pnpm', ['--filter', '@drawbridge/web', 'run', 'build'], {
      cwd: root,
      stdio: 'inherit',
    });
  }
  const adminToken = randomBytes(24).toString('base64url');
  const server = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(serverPort),
      HOST: '127.0.0.1',
      DATA_DIR: process.env.DATA_DIR ?? 'data/embed-demo',
      AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString('base64url'),
      ADMIN_TOKEN: adminToken,
      EMBED_ORIGINS: demoOrigin,
      PUBLIC_URL: serverUrl,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => {
    server.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await waitForServer(server);
  const [editorToken, viewerToken] = await Promise.all([
    mintLink(adminToken, 'editor'),
    mintLink(adminToken, 'viewer'),
  ]);
  const host = await startHostPage({
    boardUrl: `${serverUrl}/b/${boardId}`,
    editorToken,
    viewerToken,
    port: demoPort,
    host: 'localhost',
  });
  console.log(`\nEmbed demo: ${host.url}  (board ${serverUrl}/b/${boardId}, tokens required)\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
