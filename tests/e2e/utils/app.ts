/**
 * One user of the web app: a browser context with one page, and the gestures and reads the
 * scenarios need, all against the app's test contract (data-testid hooks and
 * `window.__drawbridge`).
 */
import type { Binding, BoardModel, Shape } from '@drawbridge/board';
import type { BoardProvider, ProviderState } from '@drawbridge/client';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { expect, vi } from 'vitest';
import * as Y from 'yjs';
import { type Box, decodePng, type Image } from './pixels.js';

/** `window.__drawbridge`, as far as the tests use it. */
export interface DrawbridgeHooks {
  doc: Y.Doc;
  model: BoardModel;
  provider: BoardProvider;
  /** The app's editor, as far as the tests read it. */
  editor: {
    readonly selection: readonly string[];
    readonly camera: {
      x: number;
      y: number;
      zoom: number;
      width: number;
      height: number;
      boardToScreen(p: Point): Point;
    };
  };
  /** Whom the page follows. */
  follow: { readonly following: { clientId: number } | null };
  exportPng(): Promise<Blob>;
  exportSvg(): Promise<string>;
  imageStatus(assetId: string): 'loading' | 'ready' | 'missing';
}

/**
 * The page's global object. Callbacks given to `page.evaluate` run in the browser, where they
 * reach the hooks through `globalThis`; they may use nothing from this module's scope.
 */
export type PageGlobals = { __drawbridge?: DrawbridgeHooks };

export type Tool =
  | 'select'
  | 'hand'
  | 'pen'
  | 'rect'
  | 'ellipse'
  | 'diamond'
  | 'line'
  | 'arrow'
  | 'text'
  | 'sticky'
  | 'eraser'
  | 'laser';

export type ShapeType = Shape['type'];

export interface Point {
  x: number;
  y: number;
}

/** What two peers must agree on once converged. */
export interface BoardSnapshot {
  /** `Y.encodeStateVector(doc)` as an array of bytes. */
  stateVector: number[];
  /** `model.shapes()`, sorted by id. */
  shapes: Shape[];
  /** `model.bindings()`: the arrows' bindings, as records of their own. */
  bindings: Binding[];
}

/** With E2E_VERBOSE=1, prints measurements (pixel coverage, sizes) to tune the checks. */
export function report(label: string, figures: Record<string, unknown>): void {
  if (process.env.E2E_VERBOSE === '1') console.info(`${label}: ${JSON.stringify(figures)}`);
}

/** Waits on the page should fail well before the test's own timeout, with a useful message. */
export const WAIT_MS = 15_000;
/** Reconnection after a server restart rides Socket.IO's backoff (up to 10 s between tries). */
export const RECONNECT_MS = 30_000;

export class User {
  constructor(
    readonly label: string,
    readonly context: BrowserContext,
    readonly page: Page,
    /** Console messages, page errors and failed requests of this user's page. */
    readonly logs: string[],
  ) {}

  byTestId(id: string): Locator {
    return this.page.locator(`[data-testid="${id}"]`);
  }

  get canvas(): Locator {
    return this.byTestId('canvas');
  }

  // ---- opening a board ----

  /** Opens `url` (`/` for a new board) and waits until the board is open and live. */
  async open(url: string): Promise<string> {
    await this.page.goto(url);
    await this.page.waitForURL(/\/b\/[^/?#]+/, { timeout: WAIT_MS });
    await this.waitForHooks();
    await this.waitForStatus('live');
    return this.page.url();
  }

  /** Waits until `window.__drawbridge` exists (the board is open). */
  async waitForHooks(timeout = WAIT_MS): Promise<void> {
    try {
      await this.page.waitForFunction(
        () => {
          const hooks = (globalThis as unknown as PageGlobals).__drawbridge;
          return Boolean(hooks?.doc && hooks.model && hooks.provider);
        },
        undefined,
        { timeout, polling: 50 },
      );
    } catch (error) {
      throw new Error(
        `${this.label}: window.__drawbridge did not appear on ${this.page.url()} within ${timeout} ms` +
          `\n--- page log ---\n${this.logs.slice(-30).join('\n')}`,
        { cause: error },
      );
    }
  }

  get boardId(): string {
    const match = /\/b\/([^/?#]+)/.exec(this.page.url());
    if (!match) throw new Error(`${this.label}: not on a board (${this.page.url()})`);
    return decodeURIComponent(match[1]!);
  }

  /**
   * Waits until a service worker is active for the page's scope: from then on a reload, even
   * offline, is served by it.
   */
  async waitForServiceWorker(timeout = WAIT_MS): Promise<void> {
    try {
      await this.page.waitForFunction(
        async () => {
          const { navigator } = globalThis as unknown as {
            navigator: { serviceWorker?: { getRegistration(): Promise<unknown> } };
          };
          const registration = (await navigator.serviceWorker?.getRegistration()) as
            | { active: { state: string } | null }
            | undefined;
          return registration?.active?.state === 'activated';
        },
        undefined,
        { timeout, polling: 100 },
      );
    } catch (error) {
      throw new Error(`${this.label}: no activated service worker within ${timeout} ms`, {
        cause: error,
      });
    }
  }

  // ---- status ----

  /** The status element's `data-status` and `data-unsaved`. */
  async status(): Promise<{ status: string | null; unsaved: number | null }> {
    const element = this.byTestId('status');
    const [status, unsaved] = await Promise.all([
      element.getAttribute('data-status', { timeout: WAIT_MS }),
      element.getAttribute('data-unsaved', { timeout: WAIT_MS }),
    ]);
    return { status, unsaved: unsaved === null ? null : Number(unsaved) };
  }

  async providerState(): Promise<ProviderState> {
    return this.page.evaluate(
      () => (globalThis as unknown as PageGlobals).__drawbridge!.provider.state,
    );
  }

  /**
   * Waits until the status element shows `status` (and, when given, `data-unsaved` passes
   * `unsaved`).
   */
  async waitForStatus(
    status: ProviderState['status'],
    options: { unsaved?: (n: number) => boolean; timeout?: number } = {},
  ): Promise<void> {
    const timeout = options.timeout ?? WAIT_MS;
    let last: Awaited<ReturnType<User['status']>> | null = null;
    try {
      await vi.waitFor(
        async () => {
          last = await this.status();
          expect(last.status).toBe(status);
          if (options.unsaved) expect(options.unsaved(last.unsaved ?? Number.NaN)).toBe(true);
        },
        { timeout, interval: 50 },
      );
    } catch (error) {
      throw new Error(
        `${this.label}: status did not become ${status}${options.unsaved ? ` (${options.unsaved})` : ''}` +
          ` within ${timeout} ms; last ${JSON.stringify(last)}`,
        { cause: error },
      );
    }
  }

  /** Live, with every local change acknowledged by the server. */
  waitForSaved(timeout = WAIT_MS): Promise<void> {
    return this.waitForStatus('live', { unsaved: (n) => n === 0, timeout });
  }

  // ---- reading the board ----

  /** `model.shapes()`, in paint order. */
  async shapes(): Promise<Shape[]> {
    return this.page.evaluate(() =>
      JSON.parse(
        JSON.stringify((globalThis as unknown as PageGlobals).__drawbridge!.model.shapes()),
      ),
    );
  }

  snapshot(): Promise<BoardSnapshot> {
    return readSnapshot((fn) => this.page.evaluate(fn));
  }

  /** Waits until the model's shapes satisfy `predicate`; returns them. */
  waitForShapes(
    description: string,
    predicate: (shapes: Shape[]) => boolean,
    timeout = WAIT_MS,
  ): Promise<Shape[]> {
    return waitForShapes(this.label, () => this.shapes(), description, predicate, timeout);
  }

  waitForShapeCount(count: number, timeout = WAIT_MS): Promise<Shape[]> {
    return this.waitForShapes(`${count} shapes`, (shapes) => shapes.length === count, timeout);
  }

  /** Waits until every id in `ids` is on the board (and, with `absent`, none of those). */
  waitForIds(present: string[], absent: string[] = [], timeout = WAIT_MS): Promise<Shape[]> {
    return this.waitForShapes(
      `holding [${present}] and not [${absent}]`,
      (shapes) => {
        const ids = new Set(shapes.map((shape) => shape.id));
        return present.every((id) => ids.has(id)) && !absent.some((id) => ids.has(id));
      },
      timeout,
    );
  }

  // ---- gestures ----

  async canvasBox(): Promise<Box> {
    await this.canvas.waitFor({ state: 'visible', timeout: WAIT_MS });
    const box = await this.canvas.boundingBox();
    if (!box) throw new Error(`${this.label}: the canvas has no bounding box`);
    return { x: box.x, y: box.y, w: box.width, h: box.height };
  }

  /** Canvas-relative to page coordinates. */
  async toPage(points: Point[]): Promise<Point[]> {
    const box = await this.canvasBox();
    return points.map((p) => ({ x: box.x + p.x, y: box.y + p.y }));
  }

  async selectTool(tool: Tool): Promise<void> {
    await this.byTestId(`tool-${tool}`).click({ timeout: WAIT_MS });
    await this.page
      .locator(`[data-testid="tool-${tool}"][aria-pressed="true"]`)
      .waitFor({ timeout: WAIT_MS });
  }

  /** Presses at the first point, moves through the others (in `steps` each), releases. */
  async drag(points: Point[], steps = 8): Promise<void> {
    const [first, ...rest] = await this.toPage(points);
    if (!first || rest.length === 0) throw new Error('a drag needs two points or more');
    await this.page.mouse.move(first.x, first.y);
    await this.page.mouse.down();
    for (const p of rest) await this.page.mouse.move(p.x, p.y, { steps });
    await this.page.mouse.up();
  }

  /**
   * Runs a gesture that must create exactly one shape of `type`, and returns that shape as the
   * model holds it once the gesture is done.
   */
  async create<T extends ShapeType>(
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
      `${this.label}: shapes added by one ${type} gesture`,
    ).toEqual([type]);
    return added[0] as Extract<Shape, { type: T }>;
  }

  /** Canvas-relative corners. */
  drawBox<T extends 'rect' | 'ellipse'>(type: T, from: Point, to: Point) {
    return this.create(type, async () => {
      await this.selectTool(type);
      await this.drag([from, to]);
    });
  }

  drawSegment<T extends 'line' | 'arrow'>(type: T, from: Point, to: Point) {
    return this.create(type, async () => {
      await this.selectTool(type);
      await this.drag([from, to]);
    });
  }

  drawPen(points: Point[]) {
    return this.create('pen', async () => {
      await this.selectTool('pen');
      await this.drag(points, 6);
    });
  }

  /** Clicks at `at` with the text (or sticky) tool, types `text`, commits with Escape. */
  drawText<T extends 'text' | 'sticky'>(type: T, at: Point, text: string) {
    return this.create(type, async () => {
      await this.selectTool(type);
      const [p] = await this.toPage([at]);
      await this.page.mouse.click(p!.x, p!.y);
      const editor = this.byTestId('text-editor');
      await editor.waitFor({ state: 'visible', timeout: WAIT_MS });
      await editor.pressSequentially(text);
      await editor.press('Escape');
      await editor.waitFor({ state: 'hidden', timeout: WAIT_MS });
    });
  }

  /** The camera: board point (x, y) at the top-left, zoom, viewport size. */
  async camera(): Promise<{ x: number; y: number; zoom: number; width: number; height: number }> {
    return this.page.evaluate(() => {
      const { x, y, zoom, width, height } = (globalThis as unknown as PageGlobals).__drawbridge!
        .editor.camera;
      return { x, y, zoom, width, height };
    });
  }

  /** Board points to canvas-relative points, through this page's camera. */
  async toCanvas(points: Point[]): Promise<Point[]> {
    const { x, y, zoom } = await this.camera();
    return points.map((p) => ({ x: (p.x - x) * zoom, y: (p.y - y) * zoom }));
  }

  async selection(): Promise<string[]> {
    return this.page.evaluate(() => [
      ...(globalThis as unknown as PageGlobals).__drawbridge!.editor.selection,
    ]);
  }

  /** Clicks at a canvas-relative point (with modifiers held, e.g. `['Shift']`). */
  async click(
    at: Point,
    modifiers: ('Shift' | 'Control' | 'Alt')[] = [],
    button: 'left' | 'right' = 'left',
  ): Promise<void> {
    const [p] = await this.toPage([at]);
    for (const key of modifiers) await this.page.keyboard.down(key);
    await this.page.mouse.click(p!.x, p!.y, { button });
    for (const key of modifiers) await this.page.keyboard.up(key);
  }

  /** Escape, until nothing is selected (exports cover the selection when there is one). */
  async clearSelection(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).__drawbridge!.editor.selection.length === 0,
      undefined,
      { timeout: WAIT_MS, polling: 50 },
    );
  }

  // ---- pixels ----

  /** Waits until the canvas has no frame due (`data-render`, set by the app's RenderLoop). */
  async waitForSettledCanvas(): Promise<void> {
    await this.page.waitForSelector('[data-testid="canvas"][data-render="settled"]', {
      state: 'attached',
      timeout: WAIT_MS,
    });
  }

  /**
   * The canvas element as painted, and nothing else: every other element is made invisible for
   * the shot (remote cursors, toolbars, panels floating over the canvas). Waits for the canvas
   * to settle first, unless `settled` is false: an animation (a laser trail fading) keeps it
   * drawing, and a shot of one has to be taken mid-animation.
   */
  async canvasPixels({ settled = true }: { settled?: boolean } = {}): Promise<Image> {
    if (settled) await this.waitForSettledCanvas();
    const png = await this.canvas.screenshot({
      animations: 'disabled',
      caret: 'hide',
      style:
        'body * { visibility: hidden !important; } [data-testid="canvas"] { visibility: visible !important; }',
      timeout: WAIT_MS,
    });
    return decodePng(png);
  }
}

/** A short description of shapes, for failure messages. */
/** State vector and shapes (sorted by id) of the board open in a page or frame. */
export async function readSnapshot(
  evaluate: <T>(fn: () => T) => Promise<T>,
): Promise<BoardSnapshot> {
  const { clients, shapes, bindings } = await evaluate(() => {
    const { doc, model } = (globalThis as unknown as PageGlobals).__drawbridge!;
    // What Y.encodeStateVector encodes: per client, the clock after its last struct.
    const clients: [number, number][] = [];
    for (const [client, structs] of doc.store.clients) {
      const last = structs[structs.length - 1];
      if (last) clients.push([client, last.id.clock + last.length]);
    }
    return {
      clients,
      shapes: JSON.parse(JSON.stringify(model.shapes())) as Shape[],
      bindings: JSON.parse(JSON.stringify(model.bindings())) as Binding[],
    };
  });
  return {
    stateVector: Array.from(Y.encodeStateVector(new Map(clients))),
    shapes: shapes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    bindings,
  };
}

/** Waits until `read()` satisfies `predicate`; throws with the last shapes seen. */
export async function waitForShapes(
  label: string,
  read: () => Promise<Shape[]>,
  description: string,
  predicate: (shapes: Shape[]) => boolean,
  timeout = WAIT_MS,
): Promise<Shape[]> {
  let last: Shape[] = [];
  try {
    await vi.waitFor(
      async () => {
        last = await read();
        if (!predicate(last)) throw new Error('not yet');
      },
      { timeout, interval: 50 },
    );
  } catch (error) {
    throw new Error(
      `${label}: shapes never became ${description} within ${timeout} ms; last: ${summary(last)}`,
      { cause: error },
    );
  }
  return last;
}

export function summary(shapes: readonly Shape[]): string {
  return `${shapes.length} [${shapes.map((shape) => `${shape.type}:${shape.id}`).join(', ')}]`;
}

export const byId = (shapes: readonly Shape[]): Shape[] =>
  [...shapes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Anything with a label and a board snapshot: a User, or an embedded board's frame. */
export interface Snapshots {
  label: string;
  snapshot(): Promise<BoardSnapshot>;
}

/**
 * Waits until both hold the same document (equal state vectors) and the same shapes;
 * returns what they agree on.
 */
export async function expectConverged(
  a: Snapshots,
  b: Snapshots,
  timeout = WAIT_MS,
): Promise<BoardSnapshot> {
  const seen: { a?: BoardSnapshot; b?: BoardSnapshot } = {};
  try {
    await vi.waitFor(
      async () => {
        [seen.a, seen.b] = await Promise.all([a.snapshot(), b.snapshot()]);
        expect(seen.b.stateVector).toEqual(seen.a.stateVector);
        expect(seen.b.shapes).toEqual(seen.a.shapes);
        expect(seen.b.bindings).toEqual(seen.a.bindings);
      },
      { timeout, interval: 100 },
    );
  } catch (error) {
    const describe = (user: Snapshots, snapshot?: BoardSnapshot) =>
      `\n${user.label}: state vector ${JSON.stringify(snapshot?.stateVector)}, shapes ${
        snapshot ? summary(snapshot.shapes) : '?'
      }`;
    throw new Error(
      `${a.label} and ${b.label} did not converge within ${timeout} ms:${describe(a, seen.a)}${describe(b, seen.b)}`,
      { cause: error },
    );
  }
  expect(seen.b!.stateVector).toEqual(seen.a!.stateVector);
  expect(seen.b!.shapes).toEqual(seen.a!.shapes);
  expect(seen.b!.bindings).toEqual(seen.a!.bindings);
  return seen.a!;
}
