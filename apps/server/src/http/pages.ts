import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { escapeXml } from '@drawbridge/board';
import { PREVIEW_HEIGHT, PREVIEW_WIDTH } from './preview.js';

/** `frame-ancestors` for embed pages: the server itself and EMBED_ORIGINS. */
export function embedFrameAncestors(embedOrigins: readonly string[]): string {
  if (embedOrigins.includes('*')) return 'frame-ancestors *';
  return ['frame-ancestors', "'self'", ...embedOrigins].join(' ');
}

/** The app's pages are not frameable; only `/embed/...` is. */
export const APP_FRAME_POLICY = "frame-ancestors 'none'";

/** index.html of the built app, re-read when the file changes (a rebuild while running). */
export class IndexHtml {
  #cached: { mtimeMs: number; html: string } | null = null;
  constructor(private readonly staticDir: string | null) {}

  read(): string | null {
    if (!this.staticDir) return null;
    const file = path.join(this.staticDir, 'index.html');
    try {
      const { mtimeMs } = statSync(file);
      if (this.#cached?.mtimeMs !== mtimeMs)
        this.#cached = { mtimeMs, html: readFileSync(file, 'utf8') };
      return this.#cached.html;
    } catch {
      return null;
    }
  }
}

const attr = (value: string): string => escapeXml(value);

/**
 * A board page (`/b/<id>` or `/embed/<id>`): the app's index.html with Open Graph tags and the
 * oEmbed discovery link for the board. With tokens required the board's name and image are not
 * public (a crawler holds no token), so `name` is then a generic title and there is no image.
 */
export function renderBoardPage(
  html: string,
  page: { base: string; boardId: string; name: string; open: boolean },
): string {
  const { base, boardId, name, open } = page;
  const pageUrl = `${base}/b/${boardId}`;
  const title = `${name} · Drawbridge`;
  const tags = [
    `<meta property="og:type" content="website" />`,
    `<meta property="og:site_name" content="Drawbridge" />`,
    `<meta property="og:title" content="${attr(title)}" />`,
    `<meta property="og:url" content="${attr(pageUrl)}" />`,
    `<meta property="og:description" content="A collaborative whiteboard on Drawbridge" />`,
    ...(open
      ? [
          `<meta property="og:image" content="${attr(`${pageUrl}/preview.png`)}" />`,
          `<meta property="og:image:width" content="${PREVIEW_WIDTH}" />`,
          `<meta property="og:image:height" content="${PREVIEW_HEIGHT}" />`,
          `<meta name="twitter:card" content="summary_large_image" />`,
        ]
      : []),
    `<link rel="alternate" type="application/json+oembed" href="${attr(`${base}/oembed?url=${encodeURIComponent(pageUrl)}&format=json`)}" title="${attr(title)}" />`,
  ].join('\n    ');
  return html
    .replace(/<title>[^<]*<\/title>/, `<title>${attr(title)}</title>`)
    .replace('</head>', `    ${tags}\n  </head>`);
}
