/**
 * Per-file harness: one real server process (temp DATA_DIR, the built web app as STATIC_DIR)
 * and one headless Chromium for the whole file, fresh browser contexts per test, screenshots
 * and logs of every test under `tests/e2e/artifacts/`, and teardown that runs even on failure.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContextOptions, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type SpawnedServer, spawnServer } from '../../utils/process.js';
import { User } from './app.js';
import { artifactsDir, staticDir } from './paths.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The end-to-end tests drive a system Chromium: ` +
        'install it (Debian/Ubuntu: `apt-get install -y chromium`) or point CHROMIUM_PATH at a ' +
        'Chromium or Chrome binary.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);

export interface E2E {
  readonly server: SpawnedServer;
  readonly browser: Browser;
  /** Base URL of the server; stays the same across `restartServer`. */
  readonly url: string;
  /** A new browser context (a separate user: own storage, own IndexedDB) with one page. */
  user(label: string): Promise<User>;
  /** Users A and B on one new board: A opens `/new`, B opens the URL A was sent to. */
  pair(): Promise<{ a: User; b: User; boardUrl: string }>;
  /** Stops the server with `signal` and starts a new one on the same port and DATA_DIR. */
  restartServer(signal?: NodeJS.Signals): Promise<SpawnedServer>;
  /** A file for this test's artifacts (downloads and the like). */
  artifact(name: string): string;
}

/**
 * A new browser context (a separate user: own storage, own IndexedDB) with one page whose
 * console, errors and failed requests are logged. `options` adds to the context's defaults
 * (`ignoreHTTPSErrors` for a self-signed certificate, say).
 */
export async function openUser(
  browser: Browser,
  label: string,
  options: BrowserContextOptions = {},
): Promise<User> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    colorScheme: 'light',
    acceptDownloads: true,
    ...options,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const logs: string[] = [];
  const stamp = () => new Date().toISOString().slice(11, 23);
  page.on('console', (message) => logs.push(`${stamp()} [${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => logs.push(`${stamp()} [pageerror] ${error.stack ?? error}`));
  page.on('requestfailed', (request) =>
    logs.push(`${stamp()} [requestfailed] ${request.url()} ${request.failure()?.errorText ?? ''}`),
  );
  return new User(label, context, page, logs);
}

/**
 * After each test, pass or fail: a screenshot and the page log of every user, kept as
 * artifacts; then the users' browser contexts are closed.
 */
export async function saveArtifactsAndClose(
  dir: string,
  task: { name: string; result?: { state?: string } },
  users: readonly User[],
): Promise<void> {
  const state = task.result?.state ?? 'unknown';
  const name = slug(task.name);
  for (const user of users) {
    const base = path.join(dir, `${name}-${slug(user.label)}`);
    try {
      if (!user.page.isClosed())
        await user.page.screenshot({ path: `${base}.png`, timeout: 10_000 });
    } catch (error) {
      user.logs.push(`(screenshot failed: ${(error as Error).message})`);
    }
    writeFileSync(`${base}.log`, `${state}\n${user.logs.join('\n')}\n`);
  }
  await Promise.allSettled(users.map((user) => user.context.close()));
}

/**
 * Registers the hooks of an end-to-end file; call once at the top of the file. `dataDir` makes
 * the server's data directory (a fresh temporary one by default) and `removeDataDir` removes it.
 */
export function useE2E(
  file: string,
  options: {
    env?: Record<string, string>;
    dataDir?: () => string;
    removeDataDir?: (dir: string) => void;
  } = {},
): E2E {
  let server: SpawnedServer | undefined;
  let browser: Browser | undefined;
  let dataDir: string | undefined;
  let users: User[] = [];
  let currentTest = 'setup';
  const serverLogs: string[] = [];
  const dir = path.join(artifactsDir, slug(file));

  const start = async (port = 0): Promise<SpawnedServer> => {
    const started = await spawnServer({
      dataDir: dataDir!,
      port,
      env: {
        STATIC_DIR: staticDir,
        LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
        ...options.env,
      },
    });
    serverLogs.push(`--- server pid ${started.pid} on port ${started.port} ---`);
    // The same arrays keep growing as the process logs; they are copied out at the end.
    void started.exited.then(() => {
      serverLogs.push(...started.logs, ...started.stderr.map((line) => `stderr: ${line}`));
    });
    return started;
  };

  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    dataDir = options.dataDir?.() ?? mkdtempSync(path.join(os.tmpdir(), 'drawbridge-e2e-'));
    // Both at once; whichever started is kept for afterAll even if the other failed.
    const [spawned, launched] = await Promise.allSettled([start(), launchChromium()]);
    if (spawned.status === 'fulfilled') server = spawned.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (spawned.status === 'rejected') throw spawned.reason;
    if (launched.status === 'rejected') throw launched.reason;
  });

  beforeEach((context) => {
    currentTest = context.task.name;
  });

  afterEach(async (context) => {
    await saveArtifactsAndClose(dir, context.task, users);
    users = [];
  });

  afterAll(async () => {
    await Promise.allSettled(users.map((user) => user.context.close()));
    await browser?.close().catch(() => undefined);
    // SIGTERM by the child's own pid; the server flushes and exits.
    if (server) await server.kill('SIGTERM');
    writeFileSync(path.join(dir, 'server.log'), `${serverLogs.join('\n')}\n`);
    if (dataDir && options.removeDataDir) options.removeDataDir(dataDir);
    else if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  return {
    get server() {
      if (!server) throw new Error('the server is not running (beforeAll failed?)');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('the browser is not running (beforeAll failed?)');
      return browser;
    },
    get url() {
      return this.server.url;
    },
    async user(label) {
      const user = await openUser(this.browser, label);
      users.push(user);
      return user;
    },
    async pair() {
      const [a, b] = await Promise.all([this.user('A'), this.user('B')]);
      const boardUrl = await a.open(`${this.url}/new`);
      await b.open(boardUrl);
      if (b.boardId !== a.boardId) {
        throw new Error(`B opened ${b.page.url()}, not A's board ${boardUrl}`);
      }
      return { a, b, boardUrl };
    },
    async restartServer(signal: NodeJS.Signals = 'SIGKILL') {
      const old = this.server;
      await old.kill(signal);
      server = undefined;
      server = await start(old.port);
      return server;
    },
    artifact(name) {
      return path.join(dir, `${slug(currentTest)}-${name}`);
    },
  };
}
