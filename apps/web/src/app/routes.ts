import { BOARD_ID_PATTERN, type EmbedTheme } from '@drawbridge/protocol';
import { nanoid } from 'nanoid';

/** What `/embed/<id>?...` asks for (README, "Sharing and embedding"). */
export interface EmbedOptions {
  /** `readonly` / `readonly=1`: view only, whatever the token allows. */
  readonly: boolean;
  /** `toolbar=0` hides the toolbar (and style panel) even for editors. */
  toolbar: boolean;
  /** `theme=light|dark|auto` overrides the stored preference (not persisted); null: keep it. */
  theme: EmbedTheme | null;
  /** `fit`: zoom to fit once the board has loaded from the server. */
  fit: boolean;
  /** `grid=0`: no dot grid. */
  grid: boolean;
}

export type Route =
  | { kind: 'home' }
  | { kind: 'new' }
  | { kind: 'board'; boardId: string }
  | { kind: 'embed'; boardId: string; options: EmbedOptions }
  | { kind: 'notFound' };

/** A flag: present bare or with a true-ish value (`?fit`, `?fit=1`); `0`, `false`, `no` are off. */
function flag(params: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = params.get(name);
  if (value === null) return fallback;
  return !['0', 'false', 'no', 'off'].includes(value.trim().toLowerCase());
}

export function parseEmbedOptions(search: string): EmbedOptions {
  const params = new URLSearchParams(search);
  const theme = params.get('theme');
  return {
    readonly: flag(params, 'readonly', false),
    toolbar: flag(params, 'toolbar', true),
    theme: theme === 'light' || theme === 'dark' || theme === 'auto' ? theme : null,
    fit: flag(params, 'fit', false),
    grid: flag(params, 'grid', true),
  };
}

/**
 * `/` is the home page (the boards this browser opened); `/new` makes a new board; `/b/<id>`
 * opens one; `/embed/<id>` is the board without the app's
 * chrome, for iframes (options in `search`); anything else is not ours.
 */
export function parseRoute(pathname: string, search = ''): Route {
  if (pathname === '/' || pathname === '') return { kind: 'home' };
  if (pathname === '/new' || pathname === '/new/') return { kind: 'new' };
  const match = /^\/(b|embed)\/([^/]+)\/?$/.exec(pathname);
  if (match) {
    let boardId: string;
    try {
      boardId = decodeURIComponent(match[2]!);
    } catch {
      return { kind: 'notFound' };
    }
    if (BOARD_ID_PATTERN.test(boardId)) {
      return match[1] === 'embed'
        ? { kind: 'embed', boardId, options: parseEmbedOptions(search) }
        : { kind: 'board', boardId };
    }
  }
  return { kind: 'notFound' };
}

export const boardPath = (boardId: string): string => `/b/${boardId}`;

/** nanoid's alphabet is exactly the board id alphabet; 21 characters are unguessable. */
export const newBoardId = (): string => nanoid();
