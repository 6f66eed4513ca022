/**
 * `pnpm cluster`: a local Drawbridge cluster behind nginx, to try what production runs.
 * Three nodes (`node apps/server/dist/main.js`, built first when the build is missing or older
 * than the sources) share REDIS_URL and DATABASE_URL when they are set, else a private
 * redis-server and PostgreSQL started here; nginx runs the documented deploy/nginx/drawbridge.conf
 * with a self-signed certificate. Ctrl-C stops everything started here, by PID, and removes the
 * temp dirs. Kill a node (`kill -9 <pid>`, printed below) to watch its clients move.
 *
 * Environment: CLUSTER_NODES (3), CLUSTER_HTTPS_PORT (8443), CLUSTER_HTTP_PORT (8080, plain http
 * on the same nginx server: no certificate warning), LOG_LEVEL of the nodes (warn).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../apps/server/src/nodeFlags.js';
import { type Daemon, freePort, startDaemon } from '../tests/utils/daemon.js';
import { type Nginx, startNginx } from '../tests/utils/nginx.js';
import { startPostgres } from '../tests/utils/postgres.js';
import { repoRoot } from '../tests/utils/process.js';
import { startRedis } from '../tests/utils/redis.js';

const NODES = Number(process.env.CLUSTER_NODES ?? 3);
const HTTPS_PORT = Number(process.env.CLUSTER_HTTPS_PORT ?? 8443);
const HTTP_PORT = Number(process.env.CLUSTER_HTTP_PORT ?? 8080);
const MAIN = path.join(repoRoot, 'apps/server/dist/main.js');
const BUILT = [MAIN, path.join(repoRoot, 'apps/web/dist/index.html')];
const SOURCES = ['apps/server/src', 'apps/web/src', 'apps/web/index.html', 'packages'];

/** What was started here, stopped in reverse order (nodes flush before their storage goes). */
const cleanups: (() => Promise<void>)[] = [];
let stopping = false;

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Prints a child's output lines with a prefix, so a node's warnings are seen where they happen. */
function relay(daemon: Daemon, prefix: string): void {
  for (const stream of [daemon.child.stdout, daemon.child.stderr]) {
    stream?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line) log(`[${prefix}] ${line}`);
    });
  }
}

/**
 * `pnpm <args>` with the pnpm that runs this script (npm_execpath), else the pinned one (run
 * some other way, say under `npx`, npm_execpath is npm's, which has no `build`).
 */
function pnpm(args: string[]): Promise<void> {
  const runner = process.env.npm_execpath;
  const execPath = runner && /pnpm/i.test(path.basename(runner)) ? runner : undefined;
  const pinned = (
    JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      packageManager: string;
    }
  ).packageManager;
  const [command, commandArgs] = execPath
    ? /\.[cm]?js$/.test(execPath)
      ? [process.execPath, [execPath, ...args]]
      : [execPath, args]
    : ['npx', ['-y', pinned, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { cwd: repoRoot, stdio: 'inherit' });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`pnpm ${args.join(' ')} failed (${code})`)),
    );
  });
}

/** The newest modification time under `entry` (dependencies and build outputs skipped). */
function newestSource(entry: string): number {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(entry)) {
    if (name === 'node_modules' || name === 'dist') continue;
    newest = Math.max(newest, newestSource(path.join(entry, name)));
  }
  return newest;
}

/** A build is needed when an output is missing or older than any source. */
function isBuildStale(): boolean {
  if (!BUILT.every((file) => existsSync(file))) return true;
  const built = Math.min(...BUILT.map((file) => statSync(file).mtimeMs));
  return SOURCES.some((source) => newestSource(path.join(repoRoot, source)) > built);
}

async function isReady(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/readyz`)).status === 200;
  } catch {
    return false;
  }
}

/** A node process; resolves once its /readyz answers 200 (storage and Redis reachable). */
async function startNode(index: number, env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const nodeId = `node-${index + 1}`;
  const daemon = startDaemon(process.execPath, [...SERVER_NODE_FLAGS, MAIN], {
    cwd: repoRoot,
    env: { ...process.env, ...env, NODE_ID: nodeId, PORT: String(port), HOST: '127.0.0.1' },
  });
  relay(daemon, nodeId);
  const url = `http://127.0.0.1:${port}`;
  void daemon.exited.then(({ code, signal }) => {
    if (!stopping) log(`[${nodeId}] exited (${signal ?? `code ${code}`}); the others carry on`);
  });
  cleanups.push(async () => {
    if (!daemon.running) return;
    // SIGTERM: the node flushes and tells its clients to go; SIGKILL if it hangs.
    const timer = setTimeout(() => daemon.signal('SIGKILL'), 10_000);
    daemon.signal('SIGTERM');
    await daemon.exited;
    clearTimeout(timer);
  });
  const deadline = Date.now() + 30_000;
  while (!(await isReady(url))) {
    if (!daemon.running) throw new Error(`${nodeId} exited before it was ready`);
    if (Date.now() > deadline) throw new Error(`${nodeId} not ready within 30 s on ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log(`  ${nodeId}  ${url}  (pid ${daemon.pid})`);
  return url;
}

/**
 * The handshake a page served by nginx makes, with that page's Origin: the nodes compare it with
 * the Host nginx passes on, so a wrong proxy header would lock every browser out.
 */
function checkBrowserOrigin(origin: string, ca: string): Promise<void> {
  const url = `${origin}/socket.io/?EIO=4&transport=polling`;
  const get = origin.startsWith('https:') ? https.get : http.get;
  return new Promise((resolve, reject) => {
    get(url, { headers: { origin }, ca, agent: false }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve();
      else reject(new Error(`a browser on ${origin} is refused (${res.statusCode})`));
    }).on('error', reject);
  });
}

async function stopAll(): Promise<void> {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  }
}

async function main(): Promise<void> {
  if (isBuildStale()) {
    log('Building (apps/server/dist or apps/web/dist is missing or older than the sources)...');
    await pnpm(['build']);
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'drawbridge-local-cluster-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));

  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    const redis = await startRedis();
    cleanups.push(() => redis.destroy());
    redisUrl = redis.url;
  }
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startPostgres();
    cleanups.push(() => pg.destroy());
    databaseUrl = pg.url;
  }
  log(`Redis ${redisUrl}${process.env.REDIS_URL ? '' : ' (private, empty)'}`);
  log(`PostgreSQL ${databaseUrl}${process.env.DATABASE_URL ? '' : ' (private, empty)'}`);
  log(`Nodes:`);
  const env = {
    REDIS_URL: redisUrl,
    DATABASE_URL: databaseUrl,
    // A node without PostgreSQL would use SQLite here; with it, nothing is written to DATA_DIR.
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  // One at a time: the first creates the schema (the others would wait on its lock anyway).
  const urls: string[] = [];
  for (let i = 0; i < NODES; i++) urls.push(await startNode(i, env));

  let nginx: Nginx;
  try {
    nginx = await startNginx({
      nodes: urls.map((url) => new URL(url).host),
      httpsPort: HTTPS_PORT,
      plainHttpPort: HTTP_PORT,
      serverName: 'localhost 127.0.0.1',
    });
  } catch (error) {
    throw new Error(
      `nginx did not start (ports ${HTTPS_PORT}/${HTTP_PORT} taken? set CLUSTER_HTTPS_PORT and CLUSTER_HTTP_PORT)`,
      { cause: error },
    );
  }
  cleanups.push(() => nginx.destroy());
  relay(nginx.daemon, 'nginx');
  const plainUrl = `http://127.0.0.1:${HTTP_PORT}`;
  await checkBrowserOrigin(nginx.httpsUrl, nginx.ca);
  await checkBrowserOrigin(plainUrl, nginx.ca);

  log(
    `nginx (pid ${nginx.pid}) with deploy/nginx/drawbridge.conf, adapted: ${nginx.dir}/drawbridge.conf`,
  );
  log('');
  log(`Open  ${nginx.httpsUrl}/   (self-signed certificate: accept it once)`);
  log(`  or  ${plainUrl}/   (plain http, no certificate)`);
  log(
    `      http://127.0.0.1:${nginx.httpPort}/ redirects to https, as port 80 does in production`,
  );
  log('Ctrl-C stops everything.');
}

let firstSignalAt = 0;
const onSignal = (signal: NodeJS.Signals) => {
  // One Ctrl-C arrives twice: from the terminal and relayed by tsx (and pnpm). Only a later one
  // means "do not wait": exiting runs tests/utils/daemon.ts's handler, which SIGKILLs the rest.
  if (firstSignalAt > 0) {
    if (Date.now() - firstSignalAt > 1000) process.exit(130);
    return;
  }
  firstSignalAt = Date.now();
  stopping = true;
  log(`\n${signal}: stopping nginx, the nodes, then Redis and PostgreSQL (Ctrl-C again to force)`);
  void stopAll().then(() => process.exit(0));
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

main().catch(async (error: unknown) => {
  console.error(error);
  stopping = true;
  await stopAll();
  process.exit(1);
});
