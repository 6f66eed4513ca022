/**
 * Harness for the embedding scenarios: the real server with capability tokens
 * (AUTH_SECRET, ADMIN_TOKEN) and EMBED_ORIGINS naming a host page on ANOTHER origin
 * (`http://localhost:<port>` while the server is `http://127.0.0.1:<port>`), the demo host page
 * of packages/embed, one headless Chromium, fresh contexts per test, and screenshots and logs
 * of every test under `tests/e2e/artifacts/`. Every process and browser started here is
 * stopped in afterAll, by its own handle.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Shape } from '@drawbridge/board';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from 'vitest';
import { type HostPageOptions, startHostPage } from '../../../packages/embed/demo/hostPage.js';
import { type SpawnedServer, spawnServer } from '../../utils/process.js';
import {
  type BoardSnapshot,
  type PageGlobals,
  type Point,
  readSnapshot,
  type Tool,
  User,
  WAIT_MS,
  waitForShapes,
} from './app.js';
import { artifactsDir, staticDir } from './paths.js';
import type { Box } from './pixels.js';
import { launchChromium, saveArtifactsAndClose, slug } from './session.js';

export interface MintedLink {
  url: string;
  embedUrl: string;
  token: string;
  id: string;
  board: string;
  role: 'editor' | 'viewer';
  expiresAt: string;
}

export interface HostPage {
  url: string;
  /** `scheme://host:port` of the page. */
  origin: string;
  close(): Promise<void>;
}

/** One event the SDK delivered to the demo page (`window.demo.events`). */
export interface DemoEvent {
  embed: 'editor' | 'viewer';
  type: 'ready' | 'status' | 'change' | 'error';
  payload: Record<string, unknown>;
}

/** The demo page's global object, for callbacks run in the page. */
export type DemoGlobals = {
  demo: {
    editor: { exportPng(): Promise<Blob>; zoomToFit(): Promise<void> };
    viewer: { exportPng(): Promise<Blob>; zoomToFit(): Promise<void> };
    events: DemoEvent[];
  };
};

export interface EmbedE2E {
  readonly server: SpawnedServer;
  readonly browser: Browser;
  /** The server's base URL (`http://127.0.0.1:<port>`). */
  readonly url: string;
  /** The one host origin in EMBED_ORIGINS (`http://localhost:<port>`). */
  readonly hostOrigin: string;
  /** Mints a link with the admin API. */
  mint(board: string, role: 'editor' | 'viewer', ttl?: string): Promise<MintedLink>;
  /** Calls the admin API (`/api/...`) with the server's admin token. */
  admin(method: string, path: string): Promise<Response>;
  /**
   * Starts the demo host page for `boardUrl`: on the allowed origin (one at a time), or, with
   * `allowed: false`, on another port of localhost, an origin the server does not allow.
   */
  hostPage(
    options: Omit<HostPageOptions, 'port' | 'host'> & { allowed?: boolean },
  ): Promise<HostPage>;
  /** A new browser context (own storage) with one page, logged and screenshotted. */
  user(label: string): Promise<User>;
  /** A file for this test's artifacts. */
  artifact(name: string): string;
}

/** A port that was free a moment ago on `host` (the allowed host page's, known in advance). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Registers the hooks of an embedding e2e file; call once at the top of the file. */
export function useEmbedE2E(file: string): EmbedE2E {
  let server: SpawnedServer | undefined;
  let browser: Browser | undefined;
  let dataDir: string | undefined;
  let hostPort = 0;
  let users: User[] = [];
  let hosts: HostPage[] = [];
  let currentTest = 'setup';
  const serverLogs: string[] = [];
  const dir = path.join(artifactsDir, slug(file));
  const adminToken = randomBytes(32).toString('base64url');
  const authSecret = randomBytes(32).toString('base64url');

  const hostOrigin = () => `http://localhost:${hostPort}`;

  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'drawbridge-e2e-embed-'));
    hostPort = await freePort('localhost');
    const spawning = spawnServer({
      dataDir,
      env: {
        STATIC_DIR: staticDir,
        LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
        AUTH_SECRET: authSecret,
        ADMIN_TOKEN: adminToken,
        EMBED_ORIGINS: hostOrigin(),
      },
    }).then((started) => {
      serverLogs.push(`--- server pid ${started.pid} on port ${started.port} ---`);
      void started.exited.then(() => {
        serverLogs.push(...started.logs, ...started.stderr.map((line) => `stderr: ${line}`));
      });
      return started;
    });
    const [spawned, launched] = await Promise.allSettled([spawning, launchChromium()]);
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
    await Promise.allSettled(hosts.map((host) => host.close()));
    hosts = [];
  });

  afterAll(async () => {
    await Promise.allSettled(users.map((user) => user.context.close()));
    await Promise.allSettled(hosts.map((host) => host.close()));
    await browser?.close().catch(() => undefined);
    if (server) await server.kill('SIGTERM');
    writeFileSync(path.join(dir, 'server.log'), `${serverLogs.join('\n')}\n`);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
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
    get hostOrigin() {
      return hostOrigin();
    },
    async mint(board, role, ttl = '1h') {
      const response = await fetch(`${this.url}/api/boards/${board}/links`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ role, ttl }),
      });
      if (response.status !== 201) {
        throw new Error(`minting a ${role} link for ${board}: HTTP ${response.status}`);
      }
      return (await response.json()) as MintedLink;
    },
    admin(method, apiPath) {
      return fetch(`${this.url}${apiPath}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}` },
      });
    },
    async hostPage({ allowed = true, ...options }) {
      const started = await startHostPage({
        ...options,
        host: 'localhost',
        port: allowed ? hostPort : 0,
      });
      const page: HostPage = { ...started, origin: new URL(started.url).origin };
      hosts.push(page);
      if (allowed && page.origin !== hostOrigin()) {
        throw new Error(`the host page is on ${page.origin}, not the allowed ${hostOrigin()}`);
      }
      return page;
    },
    async user(label) {
      const context = await this.browser.newContext({
        viewport: { width: 1280, height: 860 },
        deviceScaleFactor: 1,
        colorScheme: 'light',
      });
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT_MS);
      const logs: string[] = [];
      const stamp = () => new Date().toISOString().slice(11, 23);
      page.on('console', (message) =>
        logs.push(`${stamp()} [${message.type()}] ${message.text()}`),
      );
      page.on('pageerror', (error) => logs.push(`${stamp()} [pageerror] ${error.stack ?? error}`));
      page.on('requestfailed', (request) =>
        logs.push(
          `${stamp()} [requestfailed] ${request.url()} ${request.failure()?.errorText ?? ''}`,
        ),
      );
      const user = new User(label, context, page, logs);
      users.push(user);
      return user;
    },
    artifact(name) {
      return path.join(dir, `${slug(currentTest)}-${name}`);
    },
  };
}

/** The demo page's SDK events so far. */
export function demoEvents(page: Page): Promise<DemoEvent[]> {
  return page.evaluate(() =>
    JSON.parse(JSON.stringify((globalThis as unknown as DemoGlobals).demo?.events ?? [])),
  );
}

/** Waits until the demo page has received an event matching `predicate`; returns it. */
export async function waitForDemoEvent(
  page: Page,
  description: string,
  predicate: (event: DemoEvent) => boolean,
  timeout = WAIT_MS,
): Promise<DemoEvent> {
  let seen: DemoEvent[] = [];
  try {
    return await vi.waitFor(
      async () => {
        seen = await demoEvents(page);
        const found = seen.find(predicate);
        if (!found) throw new Error('not yet');
        return found;
      },
      { timeout, interval: 50 },
    );
  } catch (error) {
    throw new Error(
      `the host page never got ${description} within ${timeout} ms; events: ${JSON.stringify(seen).slice(0, 2000)}`,
      { cause: error },
    );
  }
}

/**
 * One embedded board, seen from the host page: the iframe element in the page, the app's test
 * hooks inside it, and mouse gestures in page coordinates.
 */
export class EmbedFrame {
  constructor(
    readonly label: string,
    readonly page: Page,
    /** The `<iframe>` element. */
    readonly element: Locator,
  ) {}

  byTestId(id: string): Locator {
    return this.element.contentFrame().locator(`[data-testid="${id}"]`);
  }

  get canvas(): Locator {
    return this.byTestId('canvas');
  }

  async frame(): Promise<Frame> {
    const handle = await this.element.elementHandle({ timeout: WAIT_MS });
    const frame = await handle?.contentFrame();
    if (!frame) throw new Error(`${this.label}: the iframe has no frame`);
    return frame;
  }

  async evaluate<T>(fn: () => T | Promise<T>): Promise<T> {
    return (await this.frame()).evaluate(fn);
  }

  /** Waits until `window.__drawbridge` exists in the frame (the board is open). */
  async waitForHooks(timeout = WAIT_MS): Promise<void> {
    await vi.waitFor(
      async () => {
        const ready = await this.evaluate(() => {
          const hooks = (globalThis as unknown as PageGlobals).__drawbridge;
          return Boolean(hooks?.doc && hooks.model && hooks.provider);
        });
        if (!ready) throw new Error(`${this.label}: no window.__drawbridge yet`);
      },
      { timeout, interval: 50 },
    );
  }

  async shapes(): Promise<Shape[]> {
    return this.evaluate(() =>
      JSON.parse(
        JSON.stringify((globalThis as unknown as PageGlobals).__drawbridge!.model.shapes()),
      ),
    );
  }

  /** State vector and shapes (sorted by id), as `User.snapshot` reads them. */
  snapshot(): Promise<BoardSnapshot> {
    return readSnapshot((fn) => this.evaluate(fn));
  }

  waitForShapes(
    description: string,
    predicate: (shapes: Shape[]) => boolean,
    timeout = WAIT_MS,
  ): Promise<Shape[]> {
    return waitForShapes(this.label, () => this.shapes(), description, predicate, timeout);
  }

  /** The canvas in page coordinates. */
  async canvasBox(): Promise<Box> {
    await this.canvas.waitFor({ state: 'visible', timeout: WAIT_MS });
    const box = await this.canvas.boundingBox();
    if (!box) throw new Error(`${this.label}: the canvas has no bounding box`);
    return { x: box.x, y: box.y, w: box.width, h: box.height };
  }

  async selectTool(tool: Tool): Promise<void> {
    await this.byTestId(`tool-${tool}`).click({ timeout: WAIT_MS });
    await this.element
      .contentFrame()
      .locator(`[data-testid="tool-${tool}"][aria-pressed="true"]`)
      .waitFor({ timeout: WAIT_MS });
  }

  /** Presses at the first canvas-relative point, moves through the others, releases. */
  async drag(points: Point[], steps = 6): Promise<void> {
    const box = await this.canvasBox();
    const [first, ...rest] = points.map((p) => ({ x: box.x + p.x, y: box.y + p.y }));
    if (!first || rest.length === 0) throw new Error('a drag needs two points or more');
    await this.page.mouse.move(first.x, first.y);
    await this.page.mouse.down();
    for (const p of rest) await this.page.mouse.move(p.x, p.y, { steps });
    await this.page.mouse.up();
  }

  /** Runs a gesture that must add exactly one shape of `type`; returns it. */
  async create<T extends Shape['type']>(
    type: T,
    gesture: () => Promise<void>,
  ): Promise<Extract<Shape, { type: T }>> {
    const before = new Set((await this.shapes()).map((shape) => shape.id));
    await gesture();
    const shapes = await this.waitForShapes(`one new ${type}`, (list) =>
      list.some((shape) => !before.has(shape.id) && shape.type === type),
    );
    const added = shapes.filter((shape) => !before.has(shape.id));
    expect(
      added.map((shape) => shape.type),
      `${this.label}: shapes added`,
    ).toEqual([type]);
    return added[0] as Extract<Shape, { type: T }>;
  }

  drawPen(points: Point[]) {
    return this.create('pen', async () => {
      await this.selectTool('pen');
      await this.drag(points);
    });
  }

  drawBox<T extends 'rect' | 'ellipse'>(type: T, from: Point, to: Point) {
    return this.create(type, async () => {
      await this.selectTool(type);
      await this.drag([from, to]);
    });
  }

  /** Waits until the frame's status dot shows live with nothing unsaved. */
  async waitForSaved(timeout = WAIT_MS): Promise<void> {
    const status = this.byTestId('status');
    await vi.waitFor(
      async () => {
        expect(await status.getAttribute('data-status', { timeout })).toBe('live');
        expect(await status.getAttribute('data-unsaved', { timeout })).toBe('0');
      },
      { timeout, interval: 50 },
    );
  }
}

/** A PNG Blob from the host page's `window.demo.<embed>.exportPng()`, as bytes. */
export async function exportFromHost(page: Page, embed: 'editor' | 'viewer'): Promise<Buffer> {
  const base64 = await page.evaluate(async (name) => {
    const blob = await (globalThis as unknown as DemoGlobals).demo[name].exportPng();
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    return { type: blob.type, data: btoa(binary) };
  }, embed);
  expect(base64.type).toBe('image/png');
  return Buffer.from(base64.data, 'base64');
}
