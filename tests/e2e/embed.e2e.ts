/**
 * Boards embedded in another site: the demo host page of packages/embed, on
 * `http://localhost:<port>`, frames an editable and a read-only board from the server on
 * `http://127.0.0.1:<port>` (another origin), with capability tokens required. Checked in real
 * Chromium: the postMessage API, live sync between the frames, the whole-board PNG export, the
 * viewer's read-only UI, frame-ancestors, the server's refusals of tokens and origins, oEmbed and
 * previews, and the app's messages for links it cannot open.
 */
import { BoardModel, type Shape, shapesBounds } from '@drawbridge/board';
import { ErrorCode } from '@drawbridge/protocol';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import {
  connectRaw,
  createRawSocket,
  joinRaw,
  type RawSocket,
  sendUpdate,
} from '../utils/rawClient.js';
import {
  expectConverged,
  type PageGlobals,
  type Point,
  report,
  type User,
  WAIT_MS,
} from './utils/app.js';
import {
  type DemoEvent,
  demoEvents,
  EmbedFrame,
  exportFromHost,
  type MintedLink,
  useEmbedE2E,
  waitForDemoEvent,
} from './utils/embed.js';
import { decodePng, type Image, type Mask, nonWhite } from './utils/pixels.js';

const e2e = useEmbedE2E('embed');

const BOARD = `embed-${Date.now().toString(36)}`;
const DRAWING_TOOLS = ['pen', 'rect', 'ellipse', 'line', 'arrow', 'text', 'sticky', 'eraser'];

let editorLink: MintedLink;
let viewerLink: MintedLink;

beforeAll(async () => {
  [editorLink, viewerLink] = await Promise.all([
    e2e.mint(BOARD, 'editor'),
    e2e.mint(BOARD, 'viewer'),
  ]);
});

const boardUrl = () => `${e2e.url}/b/${BOARD}`;

/** The demo host page (allowed origin) with both embeds open and ready. */
async function openDemo(label = 'host') {
  const hostPage = await e2e.hostPage({
    boardUrl: boardUrl(),
    editorToken: editorLink.token,
    viewerToken: viewerLink.token,
  });
  const host = await e2e.user(label);
  await host.page.goto(hostPage.url);
  const editor = new EmbedFrame('editor', host.page, host.page.locator('#editor-frame iframe'));
  const viewer = new EmbedFrame('viewer', host.page, host.page.locator('#viewer-frame iframe'));
  const [editorReady, viewerReady] = await Promise.all([
    waitForDemoEvent(host.page, 'ready from the editor', isEvent('editor', 'ready')),
    waitForDemoEvent(host.page, 'ready from the viewer', isEvent('viewer', 'ready')),
  ]);
  await Promise.all([editor.waitForHooks(), viewer.waitForHooks()]);
  return { hostPage, host, editor, viewer, editorReady, viewerReady };
}

const isEvent =
  (embed: DemoEvent['embed'], type: DemoEvent['type'], payload: Record<string, unknown> = {}) =>
  (event: DemoEvent) =>
    event.embed === embed &&
    event.type === type &&
    Object.entries(payload).every(([key, value]) => event.payload[key] === value);

/** A wave across the middle of a canvas of `w` x `h`, clear of the embed's panels. */
const wave = (w: number, h: number, y = 0.45): Point[] =>
  Array.from({ length: 12 }, (_, i) => ({
    x: w * (0.38 + (0.5 * i) / 11),
    y: h * y + h * 0.08 * Math.sin((i / 11) * 2 * Math.PI),
  }));

/** Fraction of `points` with a set pixel within `radius`. */
const coverage = (mask: Mask, points: Point[], radius: number): number =>
  points.filter((p) => mask.near(p.x, p.y, radius)).length / points.length;

/** Points of a pen shape in board coordinates. */
const penPoints = (shape: Shape): Point[] => {
  if (shape.type !== 'pen') return [];
  const out: Point[] = [];
  for (let i = 0; i + 1 < shape.points.length; i += 3) {
    out.push({ x: shape.x + shape.points[i]!, y: shape.y + shape.points[i + 1]! });
  }
  return out;
};

const rectOutline = (r: { x: number; y: number; w: number; h: number }, n = 10): Point[] => {
  const out: Point[] = [];
  for (let i = 1; i < n; i++) {
    const t = i / n;
    out.push(
      { x: r.x + r.w * t, y: r.y },
      { x: r.x + r.w * t, y: r.y + r.h },
      { x: r.x, y: r.y + r.h * t },
      { x: r.x + r.w, y: r.y + r.h * t },
    );
  }
  return out;
};

/** A raw socket joined to `board` with `token`; the caller disconnects it. */
async function joinWith(token: string, board = BOARD) {
  const socket = await connectRaw(e2e.url);
  const ack = await joinRaw(socket, board, undefined, token);
  return { socket, ack };
}

/** The code a join with `token` is refused with ('ok' when it is not refused). */
async function joinOutcome(token: string, board = BOARD): Promise<string> {
  const { socket, ack } = await joinWith(token, board);
  socket.disconnect();
  return ack.ok ? 'ok' : ack.error.code;
}

/** The same token with one character of its signature changed. */
function tamper(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const i = Math.floor(signature.length / 2);
  const swapped = signature[i] === 'A' ? 'B' : 'A';
  return `${header}.${payload}.${signature.slice(0, i)}${swapped}${signature.slice(i + 1)}`;
}

describe('embedding a board in another site', () => {
  it('a: the host gets ready and status; a stroke drawn in the editor frame reaches the viewer frame', async () => {
    const hostPage = await e2e.hostPage({
      boardUrl: boardUrl(),
      editorToken: editorLink.token,
      viewerToken: viewerLink.token,
    });
    expect(hostPage.origin).toBe(e2e.hostOrigin);
    expect(new URL(e2e.url).origin).not.toBe(hostPage.origin);
    const host = await e2e.user('host');
    // What goes over HTTP: the token must never be in a URL or a Referer.
    const http: string[] = [];
    host.page.on('request', (request) =>
      http.push(`${request.url()} ${request.headers().referer ?? ''}`),
    );
    await host.page.goto(hostPage.url);

    const [editorReady, viewerReady] = await Promise.all([
      waitForDemoEvent(host.page, 'ready from the editor', isEvent('editor', 'ready')),
      waitForDemoEvent(host.page, 'ready from the viewer', isEvent('viewer', 'ready')),
    ]);
    expect(editorReady.payload).toEqual({ boardId: BOARD, readonly: false });
    expect(viewerReady.payload).toEqual({ boardId: BOARD, readonly: true });
    const [editorStatus, viewerStatus] = await Promise.all([
      waitForDemoEvent(
        host.page,
        'a live status from the editor',
        isEvent('editor', 'status', { connection: 'live', role: 'editor' }),
      ),
      waitForDemoEvent(
        host.page,
        'a live status from the viewer',
        isEvent('viewer', 'status', { connection: 'live', role: 'viewer' }),
      ),
    ]);
    expect(editorStatus.payload).toMatchObject({ unsaved: 0, saved: true });
    expect(viewerStatus.payload).toMatchObject({ unsaved: 0, saved: true });

    const editor = new EmbedFrame('editor', host.page, host.page.locator('#editor-frame iframe'));
    const viewer = new EmbedFrame('viewer', host.page, host.page.locator('#viewer-frame iframe'));
    await Promise.all([editor.waitForHooks(), viewer.waitForHooks()]);
    const frameUrl = (await editor.frame()).url();
    expect(new URL(frameUrl).pathname).toBe(`/embed/${BOARD}`);

    const box = await editor.canvasBox();
    const stroke = await editor.drawPen(wave(box.w, box.h));
    const seen = await viewer.waitForShapes('holding the stroke', (shapes) =>
      shapes.some((shape) => shape.id === stroke.id),
    );
    expect(seen.find((shape) => shape.id === stroke.id)).toEqual(stroke);
    await editor.waitForSaved();
    const agreed = await expectConverged(editor, viewer);
    expect(agreed.shapes.map((shape) => shape.id)).toContain(stroke.id);

    // The editor's change reached the host, after the stroke (throttled, latest state).
    await waitForDemoEvent(
      host.page,
      'a change counting the stroke',
      (event) =>
        event.embed === 'editor' &&
        event.type === 'change' &&
        (event.payload.shapes as number) >= agreed.shapes.length,
    );
    // The host saw the stroke unsaved for a while, and saved in the end.
    await vi.waitFor(
      async () => {
        const statuses = (await demoEvents(host.page)).filter(isEvent('editor', 'status'));
        expect(statuses.some((event) => event.payload.saved === false)).toBe(true);
        expect(statuses.at(-1)?.payload).toMatchObject({
          connection: 'live',
          unsaved: 0,
          saved: true,
        });
      },
      { timeout: WAIT_MS, interval: 50 },
    );

    const leaks = http.filter(
      (line) => line.includes(editorLink.token) || line.includes(viewerLink.token),
    );
    expect(leaks, 'requests carrying a token').toEqual([]);
    expect(http.some((line) => line.includes(`/embed/${BOARD}`))).toBe(true);

    // The demo page as a person sees it: both embeds side by side, after its buttons ran the
    // commands (zoom to fit, and the exported PNG shown under them).
    await host.page.locator('#fit').click();
    await host.page.locator('#png').click();
    await host.page.waitForFunction(
      () => {
        const img = (
          globalThis as unknown as {
            document: { getElementById(id: string): { naturalWidth: number } | null };
          }
        ).document.getElementById('png-out');
        return (img?.naturalWidth ?? 0) > 0;
      },
      undefined,
      { timeout: WAIT_MS, polling: 50 },
    );
    await host.page.screenshot({ path: e2e.artifact('demo-host-page.png'), fullPage: true });
  });

  it('b: exportPng() from the host returns a PNG of the whole board, not just the selection', async () => {
    const { host, editor, viewer } = await openDemo();
    const box = await editor.canvasBox();
    const stroke = await editor.drawPen(wave(box.w, box.h, 0.35));
    const rect = await editor.drawBox(
      'rect',
      { x: box.w * 0.45, y: box.h * 0.6 },
      { x: box.w * 0.85, y: box.h * 0.85 },
    );
    // The rectangle is selected: an export of the selection would leave the stroke out.
    const selection = await editor.evaluate(
      () => (globalThis as unknown as PageGlobals).__drawbridge!.editor.selection,
    );
    expect(selection).toEqual([rect.id]);
    await editor.waitForSaved();
    await expectConverged(editor, viewer);

    const png = decodePng(await exportFromHost(host.page, 'editor'));
    const shapes = await editor.shapes();
    const bounds = shapesBounds(shapes)!;
    // exportPng: bounds + 16 units of padding, at 2x.
    expect({ width: png.width, height: png.height }).toEqual({
      width: Math.ceil((bounds.w + 32) * 2),
      height: Math.ceil((bounds.h + 32) * 2),
    });
    const ink = nonWhite(png);
    report('export', { ink: ink.count, width: png.width, height: png.height, bounds });
    expect(ink.count).toBeGreaterThan(500);
    const toPng = (p: Point): Point => ({
      x: (p.x - (bounds.x - 16)) * 2,
      y: (p.y - (bounds.y - 16)) * 2,
    });
    expect(coverage(ink, penPoints(stroke).map(toPng), 4), 'ink along the stroke').toBeGreaterThan(
      0.9,
    );
    expect(
      coverage(ink, rectOutline(rect).map(toPng), 4),
      'ink along the rectangle',
    ).toBeGreaterThan(0.9);

    // The read-only embed exports too: the same board, the same picture size.
    const fromViewer = decodePng(await exportFromHost(host.page, 'viewer'));
    expect({ width: fromViewer.width, height: fromViewer.height }).toEqual({
      width: png.width,
      height: png.height,
    });
  });

  it('c: the viewer frame has no editing UI and the mouse changes nothing; the app shows View only', async () => {
    const { host, editor, viewer } = await openDemo();
    // Something on the board to try to change.
    const ebox = await editor.canvasBox();
    const rect = await editor.drawBox(
      'rect',
      { x: ebox.w * 0.4, y: ebox.h * 0.3 },
      { x: ebox.w * 0.7, y: ebox.h * 0.6 },
    );
    await editor.waitForSaved();
    await viewer.waitForShapes('holding the rectangle', (s) => s.some((x) => x.id === rect.id));
    await viewer.waitForSaved();

    expect(
      await viewer.evaluate(
        () => (globalThis as unknown as PageGlobals).__drawbridge!.model.readonly,
      ),
    ).toBe(true);
    for (const tool of DRAWING_TOOLS) {
      expect(await viewer.byTestId(`tool-${tool}`).count(), `tool-${tool}`).toBe(0);
      // The editor frame has them: the check looks at the right place.
      expect(await editor.byTestId(`tool-${tool}`).count(), `editor tool-${tool}`).toBe(1);
    }
    for (const id of [
      'style-panel',
      'delete',
      'duplicate',
      'undo',
      'redo',
      'board-name',
      'import-file',
    ]) {
      expect(await viewer.byTestId(id).count(), id).toBe(0);
    }
    await expect.poll(() => viewer.byTestId('status').getAttribute('data-status')).toBe('live');
    await expect.poll(() => viewer.byTestId('zoom-in').count()).toBe(1);

    const before = await viewer.snapshot();
    const providerState = () =>
      viewer.evaluate(() => (globalThis as unknown as PageGlobals).__drawbridge!.provider.state);
    const stateBefore = await providerState();
    const camera = () =>
      viewer.evaluate(() => {
        // biome-ignore lint/suspicious/noExplicitAny: the app's editor, beyond the tests' typing.
        const editor = (globalThis as unknown as PageGlobals).__drawbridge!.editor as any;
        return {
          x: editor.camera.x as number,
          y: editor.camera.y as number,
          zoom: editor.camera.zoom as number,
          tool: editor.state.tool as string,
        };
      });
    const start = await camera();
    expect(start.tool).toBe('hand');

    const vbox = await viewer.canvasBox();
    const rectOnScreen = await viewer.evaluate(() => {
      const hooks = (globalThis as unknown as PageGlobals).__drawbridge!;
      // biome-ignore lint/suspicious/noExplicitAny: the app's editor, beyond the tests' typing.
      const editor = hooks.editor as any;
      const shape = hooks.model.shapes().at(-1)!;
      return editor.camera.boardToScreen({ x: shape.x + shape.w / 2, y: shape.y }) as Point;
    });
    // A drag on the rectangle's edge pans (hand); the rectangle stays where it is.
    await viewer.drag([rectOnScreen, { x: rectOnScreen.x + 90, y: rectOnScreen.y + 70 }]);
    const panned = await camera();
    expect(panned.x).not.toBe(start.x);
    // The pen's shortcut does nothing; a drag with it still only pans.
    await viewer.canvas.click({ position: { x: vbox.w * 0.5, y: vbox.h * 0.5 } });
    await host.page.keyboard.press('p');
    await host.page.keyboard.press('r');
    expect((await camera()).tool).toBe('hand');
    await viewer.drag([
      { x: vbox.w * 0.3, y: vbox.h * 0.3 },
      { x: vbox.w * 0.6, y: vbox.h * 0.7 },
    ]);
    // Double-click (text on an editable board), Delete and undo on a selection: nothing.
    await viewer.canvas.dblclick({ position: { x: vbox.w * 0.5, y: vbox.h * 0.4 } });
    expect(await viewer.byTestId('text-editor').count()).toBe(0);
    await host.page.keyboard.press('v');
    await host.page.keyboard.press('Control+a');
    await host.page.keyboard.press('Delete');
    await host.page.keyboard.press('Control+z');
    // Zoom works.
    await viewer.byTestId('zoom-in').click();
    expect((await camera()).zoom).toBeGreaterThan(panned.zoom);

    // Local edits would be in the viewer's document at once, and counted by its provider: there
    // are none. Both frames still hold the same board.
    const after = await viewer.snapshot();
    expect(after).toEqual(before);
    const stateAfter = await providerState();
    expect(stateAfter).toMatchObject({ status: 'live', role: 'viewer' });
    expect(stateAfter.unsaved).toBe(stateBefore.unsaved);
    expect(await viewer.byTestId('status').getAttribute('data-unsaved')).toBe('0');
    await expectConverged(editor, viewer);

    // The full app with the viewer's link: a View only badge, only select and hand.
    const app = await e2e.user('app-viewer');
    await app.page.goto(viewerLink.url);
    expect(new URL(app.page.url()).hash).toBe(`#token=${encodeURIComponent(viewerLink.token)}`);
    await app.waitForHooks();
    await app.waitForStatus('live');
    await app.byTestId('view-only').waitFor({ state: 'visible' });
    expect(await app.byTestId('view-only').textContent()).toContain('View only');
    expect(await app.byTestId('tool-select').count()).toBe(1);
    expect(await app.byTestId('tool-hand').count()).toBe(1);
    for (const tool of DRAWING_TOOLS) expect(await app.byTestId(`tool-${tool}`).count()).toBe(0);
    for (const id of ['style-panel', 'undo', 'redo', 'import-file']) {
      expect(await app.byTestId(id).count(), id).toBe(0);
    }
    expect(await app.byTestId('export-png').count()).toBe(1);
    expect(await app.byTestId('board-name').getAttribute('readonly')).not.toBeNull();
    expect(
      await app.page.evaluate(
        () => (globalThis as unknown as PageGlobals).__drawbridge!.model.readonly,
      ),
    ).toBe(true);
    // The full app with the editor's link: no badge, every tool.
    const appEditor = await e2e.user('app-editor');
    await appEditor.open(editorLink.url);
    expect(await appEditor.byTestId('view-only').count()).toBe(0);
    expect(await appEditor.byTestId('tool-pen').count()).toBe(1);
  });

  it('d: embed pages allow only the listed origin to frame them; a third origin is blocked', async () => {
    const hostPage = await e2e.hostPage({
      boardUrl: boardUrl(),
      editorToken: editorLink.token,
      viewerToken: viewerLink.token,
    });
    const host = await e2e.user('host');
    const policies: { url: string; csp: string | undefined }[] = [];
    host.page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/embed/')) {
        policies.push({ url: response.url(), csp: response.headers()['content-security-policy'] });
      }
    });
    await host.page.goto(hostPage.url);
    await waitForDemoEvent(host.page, 'ready from the editor', isEvent('editor', 'ready'));
    await waitForDemoEvent(host.page, 'ready from the viewer', isEvent('viewer', 'ready'));
    expect(policies.length).toBeGreaterThanOrEqual(2);
    for (const { csp } of policies) expect(csp).toBe(`frame-ancestors 'self' ${e2e.hostOrigin}`);

    // The same page served from an origin the server does not list.
    const intruderPage = await e2e.hostPage({
      boardUrl: boardUrl(),
      editorToken: editorLink.token,
      viewerToken: viewerLink.token,
      allowed: false,
    });
    expect(intruderPage.origin).not.toBe(e2e.hostOrigin);
    const intruder = await e2e.user('third-origin');
    const refusals: string[] = [];
    intruder.page.on('console', (message) => {
      if (message.text().includes('frame-ancestors')) refusals.push(message.text());
    });
    const served: (string | undefined)[] = [];
    intruder.page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/embed/')) {
        served.push(response.headers()['content-security-policy']);
      }
    });
    await intruder.page.goto(intruderPage.url);
    const childFrames = () => intruder.page.frames().filter((f) => f !== intruder.page.mainFrame());
    await vi.waitFor(
      () => {
        expect(childFrames()).toHaveLength(2);
        for (const frame of childFrames()) expect(frame.url()).toMatch(/^chrome-error:/);
      },
      { timeout: WAIT_MS, interval: 50 },
    );
    report('blocked', { refusals, served, frames: childFrames().map((f) => f.url()) });
    // The server answered with its policy, which does not name this origin; Chromium refused.
    expect(served.length).toBeGreaterThanOrEqual(2);
    for (const csp of served) expect(csp).not.toContain(intruderPage.origin);
    await vi.waitFor(() => expect(refusals.length).toBeGreaterThanOrEqual(1), {
      timeout: WAIT_MS,
      interval: 50,
    });
    for (const frame of childFrames()) {
      const hasBoard = await frame
        .evaluate(() => typeof (globalThis as unknown as PageGlobals).__drawbridge === 'object')
        .catch(() => false);
      expect(hasBoard).toBe(false);
    }
    expect((await demoEvents(intruder.page)).filter((event) => event.type === 'ready')).toEqual([]);
  });

  it('e: the server refuses a viewer’s update, expired, tampered and other-board tokens, and unlisted origins', async () => {
    const { editor, host, hostPage } = await openDemo();
    await editor.waitForSaved();
    const before = await editor.snapshot();
    const sockets: RawSocket[] = [];
    try {
      // A viewer's update, from a raw client in Node: FORBIDDEN, and the board is unchanged.
      const { socket, ack } = await joinWith(viewerLink.token);
      sockets.push(socket);
      if (!ack.ok) throw new Error(`the viewer's join was refused: ${ack.error.code}`);
      expect(ack.role).toBe('viewer');
      const doc = new Y.Doc();
      Y.applyUpdate(doc, ack.update);
      const model = new BoardModel(doc);
      model.addShape({
        type: 'rect',
        x: 10,
        y: 10,
        w: 100,
        h: 80,
        stroke: '#e03131',
        fill: 'none',
        strokeWidth: 2,
      });
      const update = Y.encodeStateAsUpdate(doc, ack.stateVector);
      const refused = await sendUpdate(socket, BOARD, update);
      expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
      // The server's own state (a fresh editor join) and the editor frame: unchanged.
      const { socket: check, ack: fresh } = await joinWith(editorLink.token);
      sockets.push(check);
      if (!fresh.ok) throw new Error(`the editor's join was refused: ${fresh.error.code}`);
      expect(Array.from(fresh.stateVector)).toEqual(before.stateVector);
      expect(await editor.snapshot()).toEqual(before);

      // Tampered and other-board tokens.
      expect(await joinOutcome(tamper(editorLink.token))).toBe(ErrorCode.UNAUTHORIZED);
      expect(await joinOutcome(tamper(viewerLink.token))).toBe(ErrorCode.UNAUTHORIZED);
      expect(await joinOutcome('not-a-token')).toBe(ErrorCode.UNAUTHORIZED);
      const elsewhere = await e2e.mint('another-board', 'editor');
      expect(await joinOutcome(elsewhere.token)).toBe(ErrorCode.FORBIDDEN);
      expect(await joinOutcome(elsewhere.token, 'another-board')).toBe('ok');

      // An expired token: minted for one second; refused once that second has passed.
      const short = await e2e.mint(BOARD, 'editor', '1s');
      const expiresAt = Date.parse(short.expiresAt);
      await vi.waitFor(
        async () => expect(await joinOutcome(short.token)).toBe(ErrorCode.TOKEN_EXPIRED),
        { timeout: 10_000, interval: 200 },
      );
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);

      // A handshake from an origin not on the list fails; the listed host origin connects.
      await expect(
        connectRaw(e2e.url, { extraHeaders: { origin: 'http://evil.example' } }),
      ).rejects.toThrow();
      const listed = await connectRaw(e2e.url, { extraHeaders: { origin: e2e.hostOrigin } });
      sockets.push(listed);
      expect(listed.connected).toBe(true);
      const unlisted = createRawSocket(e2e.url, {
        extraHeaders: { origin: 'http://evil.example' },
        transports: ['polling'],
      });
      sockets.push(unlisted);
      await new Promise<void>((resolve, reject) => {
        unlisted.once('connect_error', () => resolve());
        unlisted.once('connect', () => reject(new Error('an unlisted origin connected')));
      });

      // What people see: the app with the expired link, and embeds with bad tokens.
      const app = await e2e.user('app-expired');
      await app.page.goto(`${e2e.url}/b/${BOARD}#token=${encodeURIComponent(short.token)}`);
      const denied = app.byTestId('access-denied');
      await denied.waitFor({ state: 'visible' });
      expect(await denied.getAttribute('data-code')).toBe(ErrorCode.TOKEN_EXPIRED);
      expect(await denied.textContent()).toContain('This link has expired — ask for a new one');

      // The allowed origin serves one host page at a time: this one replaces the demo.
      await host.context.close();
      await hostPage.close();
      const bad = await openBadTokens(short.token, tamper(viewerLink.token));
      const [expiredError, invalidError] = await Promise.all([
        waitForDemoEvent(bad.page, 'an error from the editor', isEvent('editor', 'error')),
        waitForDemoEvent(bad.page, 'an error from the viewer', isEvent('viewer', 'error')),
      ]);
      expect(expiredError.payload.code).toBe(ErrorCode.TOKEN_EXPIRED);
      expect(invalidError.payload.code).toBe(ErrorCode.UNAUTHORIZED);
      const badEditor = new EmbedFrame(
        'editor',
        bad.page,
        bad.page.locator('#editor-frame iframe'),
      );
      const badViewer = new EmbedFrame(
        'viewer',
        bad.page,
        bad.page.locator('#viewer-frame iframe'),
      );
      await expect
        .poll(() => badEditor.byTestId('access-denied').getAttribute('data-code'))
        .toBe(ErrorCode.TOKEN_EXPIRED);
      await expect
        .poll(() => badViewer.byTestId('access-denied').textContent())
        .toContain('This link is not valid');
      expect((await demoEvents(bad.page)).filter((event) => event.type === 'ready')).toEqual([]);
    } finally {
      for (const socket of sockets) socket.disconnect();
    }
  });

  it('f: oEmbed answers rich JSON with the embed iframe; preview.png shows the board', async () => {
    const { editor, viewer } = await openDemo();
    const box = await editor.canvasBox();
    await editor.drawBox(
      'rect',
      { x: box.w * 0.4, y: box.h * 0.25 },
      { x: box.w * 0.8, y: box.h * 0.55 },
    );
    await editor.drawPen(wave(box.w, box.h, 0.7));
    await editor.waitForSaved();
    const shapes = (await expectConverged(editor, viewer)).shapes;

    const link = `${boardUrl()}#token=${encodeURIComponent(viewerLink.token)}`;
    const oembed = await fetch(`${e2e.url}/oembed?url=${encodeURIComponent(link)}&format=json`);
    expect(oembed.status).toBe(200);
    expect(oembed.headers.get('content-type')).toContain('application/json');
    const answer = (await oembed.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ version: '1.0', type: 'rich', provider_name: 'Drawbridge' });
    expect(typeof answer.width).toBe('number');
    expect(typeof answer.height).toBe('number');
    const src = /<iframe src="([^"]+)"/.exec(String(answer.html))?.[1]?.replace(/&amp;/g, '&');
    expect(src).toBe(`${e2e.url}/embed/${BOARD}#token=${encodeURIComponent(viewerLink.token)}`);

    const notBoard = await fetch(
      `${e2e.url}/oembed?url=${encodeURIComponent(`${e2e.url}/elsewhere`)}&format=json`,
    );
    expect(notBoard.status).toBe(404);
    const noToken = await fetch(`${e2e.url}/oembed?url=${encodeURIComponent(boardUrl())}`);
    expect(noToken.status).toBe(401);

    const preview = await fetch(
      `${e2e.url}/b/${BOARD}/preview.png?token=${encodeURIComponent(viewerLink.token)}`,
    );
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('image/png');
    const image: Image = decodePng(Buffer.from(await preview.arrayBuffer()));
    expect({ width: image.width, height: image.height }).toEqual({ width: 1200, height: 630 });
    const ink = nonWhite(image);
    // The preview's view: the shapes' bounds padded by 32, widened to 1200:630, centred.
    const bounds = shapesBounds(shapes)!;
    let area = { x: bounds.x - 32, y: bounds.y - 32, w: bounds.w + 64, h: bounds.h + 64 };
    const aspect = 1200 / 630;
    if (area.w / area.h > aspect) {
      const h = area.w / aspect;
      area = { ...area, y: area.y - (h - area.h) / 2, h };
    } else {
      const w = area.h * aspect;
      area = { ...area, x: area.x - (w - area.w) / 2, w };
    }
    const scale = 1200 / area.w;
    const toPreview = (p: Point): Point => ({
      x: (p.x - area.x) * scale,
      y: (p.y - area.y) * scale,
    });
    const radius = Math.ceil(3 + 3 * scale);
    const expected: Point[] = [];
    for (const shape of shapes) {
      if (shape.type === 'pen') expected.push(...penPoints(shape));
      else if (shape.type === 'rect' || shape.type === 'ellipse')
        expected.push(...rectOutline(shape));
    }
    report('preview', { ink: ink.count, scale, radius, area });
    expect(ink.count).toBeGreaterThan(300);
    expect(
      coverage(ink, expected.map(toPreview), radius),
      'ink where the shapes are',
    ).toBeGreaterThan(0.85);
    // And none far from them: nothing outside the shapes' box (plus stroke room).
    const inkBox = ink.bounds()!;
    const topLeft = toPreview({ x: bounds.x, y: bounds.y });
    const bottomRight = toPreview({ x: bounds.x + bounds.w, y: bounds.y + bounds.h });
    const slack = 4 + 6 * scale;
    expect(inkBox.x).toBeGreaterThanOrEqual(topLeft.x - slack);
    expect(inkBox.y).toBeGreaterThanOrEqual(topLeft.y - slack);
    expect(inkBox.x + inkBox.w).toBeLessThanOrEqual(bottomRight.x + slack);
    expect(inkBox.y + inkBox.h).toBeLessThanOrEqual(bottomRight.y + slack);

    const refused = await fetch(
      `${e2e.url}/b/${BOARD}/preview.png?token=${tamper(viewerLink.token)}`,
    );
    expect(refused.status).toBe(401);
  });
});

/** The little of the DOM the page callbacks read (the tests compile without DOM types). */
type BrowserGlobals = {
  document: { documentElement: { dataset: Record<string, string | undefined> } };
  localStorage: { getItem(key: string): string | null };
};

describe('embed URL options and host commands', () => {
  /**
   * Grid dots on the dark theme: greys between the background (#17171c) and the grid colour
   * (#34343d), antialiased. Shapes here are red, whose edges never blend into grey.
   */
  const gridPixels = (image: Image): number => {
    let n = 0;
    for (let i = 0; i < image.data.length; i += 4) {
      const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
      if (Math.abs(r - g) <= 3 && b >= r && b - r <= 12 && r > 28 && r <= 0x38) n++;
    }
    return n;
  };

  it('g: toolbar=0, theme, grid=0 and fit apply; setTheme and zoomToFit work from the host', async () => {
    const board = `options-${Date.now().toString(36)}`;
    const [editorLink, viewerLink] = await Promise.all([
      e2e.mint(board, 'editor'),
      e2e.mint(board, 'viewer'),
    ]);
    // A red rectangle far from the origin, added by a raw editor client: only a fitted view
    // shows it.
    const { socket, ack } = await joinWith(editorLink.token, board);
    try {
      if (!ack.ok) throw new Error(`join refused: ${ack.error.code}`);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, ack.update);
      new BoardModel(doc).addShape({
        type: 'rect',
        x: 3000,
        y: 2000,
        w: 400,
        h: 300,
        stroke: '#e03131',
        fill: 'none',
        strokeWidth: 4,
      });
      const sent = await sendUpdate(socket, board, Y.encodeStateAsUpdate(doc, ack.stateVector));
      expect(sent.ok).toBe(true);
    } finally {
      socket.disconnect();
    }
    const far = { x: 3000, y: 2000, w: 400, h: 300 };

    const page = await e2e.user('embed-options');
    const open = async (query: string) => {
      await page.page.goto(
        `${e2e.url}/embed/${board}?${query}#token=${encodeURIComponent(editorLink.token)}`,
      );
      await page.waitForHooks();
      await page.waitForStatus('live');
    };
    const view = () =>
      page.page.evaluate(() => {
        // biome-ignore lint/suspicious/noExplicitAny: the app's editor, beyond the tests' typing.
        const editor = (globalThis as unknown as PageGlobals).__drawbridge!.editor as any;
        return {
          bounds: editor.camera.viewportBounds() as { x: number; y: number; w: number; h: number },
          readonly: editor.readonly as boolean,
          theme: (globalThis as unknown as BrowserGlobals).document.documentElement.dataset.theme,
          stored: (globalThis as unknown as BrowserGlobals).localStorage.getItem(
            'drawbridge:theme',
          ),
        };
      });
    const shows = (bounds: { x: number; y: number; w: number; h: number }) =>
      bounds.x <= far.x &&
      bounds.y <= far.y &&
      bounds.x + bounds.w >= far.x + far.w &&
      bounds.y + bounds.h >= far.y + far.h;

    await open('toolbar=0&theme=dark&grid=0&fit');
    // fit: once the server's content arrived, the view holds the far rectangle.
    await vi.waitFor(async () => expect(shows((await view()).bounds)).toBe(true), {
      timeout: WAIT_MS,
      interval: 50,
    });
    const options = await view();
    expect(options).toMatchObject({ readonly: false, theme: 'dark', stored: null });
    for (const id of [
      'tool-pen',
      'tool-select',
      'style-panel',
      'undo',
      'board-name',
      'people-list',
    ]) {
      expect(await page.byTestId(id).count(), id).toBe(0);
    }
    expect(await page.byTestId('status').getAttribute('data-status')).toBe('live');
    const noGrid = gridPixels(await page.canvasPixels());

    // Without the options: the toolbar, the grid, the stored (light) theme, the default view.
    await open('theme=dark');
    expect(await page.byTestId('tool-pen').count()).toBe(1);
    const withGrid = gridPixels(await page.canvasPixels());
    report('grid', { noGrid, withGrid });
    expect(noGrid).toBe(0);
    expect(withGrid).toBeGreaterThan(100);
    expect(shows((await view()).bounds)).toBe(false);
    await open('');
    expect(await view()).toMatchObject({ theme: 'light', stored: null });

    // From a host page: setTheme and zoomToFit reach the frames.
    const hostPage = await e2e.hostPage({
      boardUrl: `${e2e.url}/b/${board}`,
      editorToken: editorLink.token,
      viewerToken: viewerLink.token,
    });
    const host = await e2e.user('host');
    await host.page.goto(hostPage.url);
    await waitForDemoEvent(host.page, 'ready from the editor', isEvent('editor', 'ready'));
    await waitForDemoEvent(host.page, 'ready from the viewer', isEvent('viewer', 'ready'));
    const editor = new EmbedFrame('editor', host.page, host.page.locator('#editor-frame iframe'));
    const viewer = new EmbedFrame('viewer', host.page, host.page.locator('#viewer-frame iframe'));
    const frameView = (frame: EmbedFrame) =>
      frame.evaluate(() => {
        // biome-ignore lint/suspicious/noExplicitAny: the app's editor, beyond the tests' typing.
        const editor = (globalThis as unknown as PageGlobals).__drawbridge!.editor as any;
        return {
          bounds: editor.camera.viewportBounds() as { x: number; y: number; w: number; h: number },
          theme: (globalThis as unknown as BrowserGlobals).document.documentElement.dataset.theme,
        };
      });
    // The demo's viewer has `fit`; the editor has not.
    await vi.waitFor(async () => expect(shows((await frameView(viewer)).bounds)).toBe(true), {
      timeout: WAIT_MS,
      interval: 50,
    });
    expect(shows((await frameView(editor)).bounds)).toBe(false);
    await host.page.evaluate(() =>
      (
        globalThis as unknown as { demo: { editor: { zoomToFit(): Promise<void> } } }
      ).demo.editor.zoomToFit(),
    );
    expect(shows((await frameView(editor)).bounds)).toBe(true);

    expect((await frameView(viewer)).theme).toBe('light');
    await host.page.evaluate(() =>
      (
        globalThis as unknown as { demo: { viewer: { setTheme(t: string): Promise<void> } } }
      ).demo.viewer.setTheme('dark'),
    );
    await vi.waitFor(async () => expect((await frameView(viewer)).theme).toBe('dark'), {
      timeout: WAIT_MS,
      interval: 50,
    });
    expect((await frameView(editor)).theme).toBe('light');
    await host.page.screenshot({ path: e2e.artifact('host-commands.png') });
  });
});

/** The allowed host page with embeds holding bad tokens (they report errors, never ready). */
async function openBadTokens(editorToken: string, viewerToken: string): Promise<User> {
  const hostPage = await e2e.hostPage({ boardUrl: boardUrl(), editorToken, viewerToken });
  const user = await e2e.user('host-bad-tokens');
  await user.page.goto(hostPage.url);
  return user;
}
