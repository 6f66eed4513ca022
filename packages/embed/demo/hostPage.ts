/**
 * A tiny host site on its own origin that embeds Drawbridge boards with `@drawbridge/embed`:
 * the demo (`pnpm demo:embed`) and the end-to-end tests use it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface HostPageOptions {
  boardUrl: string;
  editorToken?: string | null;
  viewerToken?: string | null;
  port?: number;
  host?: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

function page(options: HostPageOptions): string {
  const config = {
    boardUrl: options.boardUrl,
    editorToken: options.editorToken ?? null,
    viewerToken: options.viewerToken ?? null,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>Drawbridge embed demo</title>
<meta name="viewport" content="width=device-width, initial-scale=1" />
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0; padding: 1.5rem; background: #f6f7f9; color: #1e1e1e; }
  :root[data-theme='dark'] body { background: #16181d; color: #e9ecef; }
  h1 { margin: 0 0 .25rem; font-size: 1.4rem; }
  p { margin: 0 0 1rem; color: #6b7280; }
  .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
  figure { margin: 0; background: white; border-radius: 12px; box-shadow: 0 1px 3px #0002; overflow: hidden; }
  :root[data-theme='dark'] figure { background: #23262d; }
  figcaption { display: flex; justify-content: space-between; padding: .5rem .75rem; font-weight: 600; }
  figcaption span { font-weight: 400; color: #6b7280; }
  .frame { height: 480px; }
  .bar { display: flex; gap: .5rem; margin: 1rem 0; }
  button { font: inherit; padding: .4rem .8rem; border-radius: 8px; border: 1px solid #ccd; background: white; cursor: pointer; }
  ol { font: 12px ui-monospace, monospace; max-height: 160px; overflow: auto; }
  #png-out { max-width: 240px; border: 1px solid #ccd; }
</style>
</head>
<body>
<h1>Drawbridge embed demo</h1>
<p>This page is on another origin than the board (${escapeHtml(options.boardUrl)}). Draw on the left; the read-only embed on the right follows.</p>
<div class="grid">
  <figure><figcaption>Editable <span id="editor-status">connecting</span></figcaption><div class="frame" id="editor-frame"></div></figure>
  <figure><figcaption>Read-only <span id="viewer-status">connecting</span></figcaption><div class="frame" id="viewer-frame"></div></figure>
</div>
<div class="bar"><button id="fit">Zoom to fit</button><button id="theme">Toggle theme</button><button id="png">Export PNG</button></div>
<img id="png-out" alt="" />
<ol id="log"></ol>
<script>window.DEMO_CONFIG = ${scriptJson(config)};</script>
<script type="module" src="/demo.js"></script>
</body>
</html>`;
}

export async function startHostPage(
  options: HostPageOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL('./client.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  const script = bundled.outputFiles[0]!.text;
  const html = page(options);
  const server = createServer((req, res) => {
    if (req.url === '/demo.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(script);
    } else if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host === '0.0.0.0' ? 'localhost' : (options.host ?? '127.0.0.1')}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
