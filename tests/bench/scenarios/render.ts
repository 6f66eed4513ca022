/**
 * Rendering in headless Chromium (no GPU), side by side with Excalidraw and tldraw from npm on
 * the same scene: 10,000 and 2,000 shapes fitted on screen, then a scripted 5 s of zooming in,
 * panning and zooming out with the wheel (ctrl+wheel zooms in all three). Frame times from
 * requestAnimationFrame in the page, read as whole display frames (lib/frames.ts): p95, frames
 * missed, and the time spent in frames over 50 ms.
 *
 * Drawbridge is the real web app (built with Vite, served by a Drawbridge process, the board
 * seeded through it), opened as `/embed/<id>?fit&toolbar=0`. The peers' pages are bundled with
 * esbuild in tests/bench/peers (render/*.jsx) and served from a local HTTP server.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import buildWebApp from '../../e2e/utils/globalSetup.js';
import { webDist } from '../../e2e/utils/paths.js';
import { connect } from '../lib/conn.js';
import { framePeriod, missedFrames, snapToFrames } from '../lib/frames.js';
import { metric, type Scenario } from '../lib/scenario.js';
import { sceneShapes, sceneUpdate } from '../lib/scene.js';
import { peersDir, type Subject, startServer, UNLIMITED_RATE } from '../lib/servers.js';
import { percentile } from '../lib/stats.js';

const ALL_EDITORS = ['drawbridge', 'excalidraw', 'tldraw'] as const;
type Editor = (typeof ALL_EDITORS)[number];
/** BENCH_RENDER_EDITORS=drawbridge (a comma list) measures only those editors. */
const EDITORS = ALL_EDITORS.filter(
  (e) =>
    !process.env.BENCH_RENDER_EDITORS || process.env.BENCH_RENDER_EDITORS.split(',').includes(e),
);
const VIEWPORT = { width: 1280, height: 800 };
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** BENCH_CPU_PROF_DIR: each page's main-thread CPU profile of the gesture is written there. */
const PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR
  ? path.resolve(process.env.BENCH_CPU_PROF_DIR)
  : undefined;

/** Starts the page's V8 sampling profiler (through the DevTools protocol). */
async function startPageProfile(page: Page): Promise<{ stop(): Promise<unknown> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return {
    async stop() {
      const { profile } = await cdp.send('Profiler.stop');
      await cdp.detach();
      return profile;
    },
  };
}

interface FrameStats {
  p95: number;
  missed: number;
  over50Ms: number;
  frames: number;
  period: number;
}

/** Serves the peers' bundles and one HTML page per editor and scene size. */
async function servePeerPages(): Promise<{ url: string; close(): Promise<void> }> {
  const dist = path.join(peersDir, 'dist', 'render');
  const scenes = new Map<number, string>();
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const page = /^\/(excalidraw|tldraw)\.html$/.exec(url.pathname);
    if (page) {
      const n = Number(url.searchParams.get('n'));
      if (!scenes.has(n)) scenes.set(n, JSON.stringify(sceneShapes(n)));
      const css = existsSync(path.join(dist, `${page[1]}.css`))
        ? `<link rel="stylesheet" href="/${page[1]}.css">`
        : '';
      response.setHeader('content-type', 'text/html');
      response.end(
        `<!doctype html><meta charset="utf-8">${css}<body style="margin:0">` +
          `<div id="root"></div><script>window.__scene=${scenes.get(n)}</script>` +
          `<script type="module" src="/${page[1]}.js"></script>`,
      );
      return;
    }
    const file = path.join(dist, path.normalize(url.pathname).replace(/^[/\\.]+/, ''));
    if (!file.startsWith(dist) || !existsSync(file)) {
      response.statusCode = 404;
      response.end();
      return;
    }
    const types: Record<string, string> = {
      '.js': 'text/javascript',
      '.css': 'text/css',
      '.woff2': 'font/woff2',
    };
    response.setHeader('content-type', types[path.extname(file)] ?? 'application/octet-stream');
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Records every frame interval in the page. A string, not a function: the bench runs through
 * tsx, whose transform would add helpers (`__name`) the page does not have.
 */
const RECORD_FRAMES = `(() => {
  window.__frames = [];
  window.__stop = false;
  let last = 0;
  const loop = (t) => {
    window.__frames.push(t - last);
    last = t;
    if (!window.__stop) requestAnimationFrame(loop);
  };
  requestAnimationFrame((t) => {
    last = t;
    requestAnimationFrame(loop);
  });
})()`;

/** The timestamps of 61 consecutive frames of the idle page. */
const IDLE_FRAMES = `new Promise((resolve) => {
  const times = [];
  const loop = (t) => {
    times.push(t);
    if (times.length < 61) requestAnimationFrame(loop);
    else resolve(times);
  };
  requestAnimationFrame(loop);
})`;

/** The scripted gesture, the same for every editor; returns the page's frame times. */
async function panZoom(page: Page, seconds: number, shots: string): Promise<FrameStats> {
  const { width, height } = VIEWPORT;
  await page.mouse.move(width / 2, height / 2);
  const before = await page.screenshot({ path: `${shots}-fitted.png` });
  const period = framePeriod((await page.evaluate(IDLE_FRAMES)) as number[]);
  await page.evaluate(RECORD_FRAMES);
  const started = performance.now();
  for (let step = 0; ; step++) {
    const f = (performance.now() - started) / (seconds * 1000);
    if (f >= 1) break;
    // A wheel notch of zoom every 8th step (in during the first quarter, out during the last),
    // a small pan otherwise: the whole scene stays mostly on screen.
    if (step % 8 === 0 && (f < 0.25 || f >= 0.75)) {
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, f < 0.25 ? -100 : 100);
      await page.keyboard.up('Control');
    } else {
      const dir = Math.floor(step / 20) % 2 === 0 ? 1 : -1;
      await page.mouse.wheel(40 * dir, 20 * dir);
    }
    await new Promise((resolve) => setTimeout(resolve, 16));
  }
  const frames = (await page.evaluate('window.__stop = true, window.__frames')) as number[];
  writeFileSync(`${shots}-frames.json`, JSON.stringify(frames));
  // A page that ignored the gestures would measure idle frames: after the run, the same
  // inputs must change the view.
  for (let i = 0; i < 3; i++) {
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
  }
  await page.mouse.wheel(200, 100);
  await page.waitForTimeout(300);
  const after = await page.screenshot({ path: `${shots}-moved.png` });
  if (after.equals(before)) {
    throw new Error(
      `the page did not zoom or pan (screenshots ${shots}-fitted.png and -moved.png)`,
    );
  }
  const snapped = snapToFrames(frames, period).sort((a, b) => a - b);
  return {
    p95: percentile(snapped, 0.95),
    missed: missedFrames(frames, period),
    over50Ms: frames.filter((ms) => ms > 50).reduce((sum, ms) => sum + ms, 0),
    frames: frames.length,
    period,
  };
}

async function openEditor(
  browser: Browser,
  editor: Editor,
  n: number,
  urls: { drawbridge: string; peers: string },
): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(180_000);
  if (editor === 'drawbridge') {
    await page.goto(`${urls.drawbridge}/embed/render-${n}?fit&toolbar=0`);
    await page.waitForFunction(
      (count) =>
        ((globalThis as unknown as { __drawbridge?: { editor: { store: { size: number } } } })
          .__drawbridge?.editor.store.size ?? 0) >= count,
      n,
      { polling: 100 },
    );
  } else {
    await page.goto(`${urls.peers}/${editor}.html?n=${n}`);
    await page.waitForFunction(
      () => (globalThis as unknown as { __ready?: boolean }).__ready === true,
      null,
      {
        polling: 100,
      },
    );
    const shown = await page.evaluate('window.__shapes');
    if (shown !== n) throw new Error(`${editor} holds ${String(shown)} of ${n} shapes`);
  }
  // Let the first full paints and any idle work pass before measuring.
  await page.waitForTimeout(1000);
  return { page, close: () => context.close() };
}

export const render: Scenario = {
  name: 'render',
  title: 'Rendering in Chromium: Drawbridge, Excalidraw and tldraw on the same scene',
  description:
    'The same scene (rectangles, ellipses, lines and texts on a grid) fitted on screen in ' +
    'headless Chromium without a GPU, 1280x800, then 5 s of scripted ctrl+wheel zoom in, wheel ' +
    'pan and zoom out. Frame times from requestAnimationFrame, each read as the whole display ' +
    'periods it spanned (Chromium coarsens the timestamps to 0.1 ms); frames missed are display ' +
    'frames that passed without a new frame. Excalidraw 0.18 and tldraw 5.4 ' +
    'from npm, bundled with esbuild.',
  supports: ['drawbridge'],
  async run(ctx) {
    if (!existsSync(CHROMIUM_PATH))
      throw new Error(`Chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`);
    const sizes = [10_000, 2_000];
    const seconds = ctx.options.quick ? 3 : 5;
    ctx.log('building the web app (vite) and the peer pages (esbuild)...');
    buildWebApp();
    execFileSync(process.execPath, ['render/build.mjs'], { cwd: peersDir, stdio: 'inherit' });

    const server = await startServer('drawbridge', {
      env: { ...UNLIMITED_RATE, STATIC_DIR: webDist },
    });
    const peers = await servePeerPages();
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
    try {
      for (const n of sizes) {
        const conn = await connect('drawbridge', server, `render-${n}`, { fail: () => {} });
        const error = await conn.request(sceneUpdate(n));
        conn.close();
        if (error !== undefined) throw new Error(`seeding render-${n} was refused: ${error}`);
      }
      const runs: Array<{ kind: Subject; round: number; n: number; result: FrameStats }> = [];
      for (let round = 0; round < ctx.options.rounds; round++) {
        for (const n of sizes) {
          for (let k = 0; k < EDITORS.length; k++) {
            const editor = EDITORS[(k + round) % EDITORS.length]!;
            const opened = await openEditor(browser, editor, n, {
              drawbridge: server.url,
              peers: peers.url,
            });
            try {
              const shots = path.join(ctx.artifactsDir, `render-${editor}-${n}`);
              const name =
                PROFILE_DIR && path.join(PROFILE_DIR, `render-${editor}-${n}-${round + 1}`);
              const profiling = name ? await startPageProfile(opened.page) : null;
              if (name) {
                await browser.startTracing(opened.page, {
                  path: `${name}.trace.json`,
                  categories: [
                    'devtools.timeline',
                    'disabled-by-default-devtools.timeline.frame',
                    'cc',
                    'blink',
                  ],
                });
              }
              const result = await panZoom(opened.page, seconds, shots);
              if (profiling && name) {
                writeFileSync(`${name}.cpuprofile`, JSON.stringify(await profiling.stop()));
                await browser.stopTracing();
              }
              runs.push({ kind: editor, round, n, result });
              ctx.log(
                `round ${round + 1} ${editor} ${n} shapes: p95 ${result.p95.toFixed(1)} ms, ${result.frames} frames, ${result.missed} missed (period ${result.period.toFixed(3)} ms)`,
              );
            } finally {
              await opened.close();
            }
          }
        }
      }
      const of = (n: number) => runs.filter((r) => r.n === n);
      return {
        metrics: sizes.flatMap((n) => [
          metric(
            `${n.toLocaleString('en-US')} shapes: p95 frame`,
            'ms',
            'lower',
            of(n),
            (r) => r.p95,
          ),
          metric(
            `${n.toLocaleString('en-US')} shapes: display frames missed`,
            'count',
            'lower',
            of(n),
            (r) => r.missed,
          ),
          metric(
            `${n.toLocaleString('en-US')} shapes: time in frames over 50 ms`,
            'ms',
            'lower',
            of(n),
            (r) => r.over50Ms,
          ),
        ]),
        notes: [
          `${seconds} s of gestures per run; frames per run: ${runs.map((r) => `${r.kind}/${r.n} ${r.result.frames}`).join(', ')}`,
        ],
        runs,
      };
    } finally {
      await browser.close().catch(() => undefined);
      await peers.close();
      await server.destroy();
    }
  },
};
