/**
 * The demo host page's script: an editable and a read-only embed of the same board side by
 * side, with their events logged. Exposed as `window.demo` for the end-to-end tests.
 */
import { type BoardEmbed, createBoardEmbed } from '../src/index.js';

interface DemoConfig {
  boardUrl: string;
  editorToken: string | null;
  viewerToken: string | null;
}

declare global {
  interface Window {
    DEMO_CONFIG: DemoConfig;
    demo: {
      editor: BoardEmbed;
      viewer: BoardEmbed;
      events: { embed: string; type: string; payload: unknown }[];
    };
  }
}

const config = window.DEMO_CONFIG;
const events: Window['demo']['events'] = [];
const log = document.getElementById('log') as HTMLOListElement;

function track(name: string, embed: BoardEmbed): BoardEmbed {
  for (const type of ['ready', 'status', 'change', 'error'] as const) {
    embed.on(type, (payload) => {
      events.push({ embed: name, type, payload });
      const item = document.createElement('li');
      item.textContent = `${name} ${type} ${JSON.stringify(payload)}`;
      log.prepend(item);
      if (type === 'status') {
        const status = document.getElementById(`${name}-status`);
        if (status) {
          const s = payload as { connection: string; saved: boolean; unsaved: number };
          status.textContent =
            s.connection === 'live'
              ? s.saved
                ? 'live · saved'
                : `live · ${s.unsaved} unsaved`
              : s.connection;
        }
      }
    });
  }
  return embed;
}

const editor = track(
  'editor',
  createBoardEmbed({
    container: document.getElementById('editor-frame') as HTMLElement,
    url: config.boardUrl,
    ...(config.editorToken ? { token: config.editorToken } : {}),
    title: 'Editable board',
  }),
);
const viewer = track(
  'viewer',
  createBoardEmbed({
    container: document.getElementById('viewer-frame') as HTMLElement,
    url: config.boardUrl,
    ...(config.viewerToken ? { token: config.viewerToken } : {}),
    readonly: true,
    fit: true,
    title: 'Read-only board',
  }),
);
window.demo = { editor, viewer, events };

const button = (id: string, action: () => Promise<void>) =>
  document.getElementById(id)?.addEventListener('click', () => {
    action().catch((error: unknown) => {
      const item = document.createElement('li');
      item.textContent = `error: ${(error as Error).message}`;
      log.prepend(item);
    });
  });

button('fit', async () => {
  await Promise.all([editor.zoomToFit(), viewer.zoomToFit()]);
});
let dark = false;
button('theme', async () => {
  dark = !dark;
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  await Promise.all([
    editor.setTheme(dark ? 'dark' : 'light'),
    viewer.setTheme(dark ? 'dark' : 'light'),
  ]);
});
button('png', async () => {
  const blob = await editor.exportPng();
  const img = document.getElementById('png-out') as HTMLImageElement;
  img.src = URL.createObjectURL(blob);
});
