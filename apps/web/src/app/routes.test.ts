import { BOARD_ID_PATTERN } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import {
  boardPath,
  type EmbedOptions,
  newBoardId,
  parseEmbedOptions,
  parseRoute,
} from './routes.js';

const DEFAULTS: EmbedOptions = {
  readonly: false,
  toolbar: true,
  theme: null,
  fit: false,
  grid: true,
};

describe('routes', () => {
  it('parses the home, new-board, board and unknown routes', () => {
    expect(parseRoute('/')).toEqual({ kind: 'home' });
    expect(parseRoute('/new')).toEqual({ kind: 'new' });
    expect(parseRoute('/new/')).toEqual({ kind: 'new' });
    expect(parseRoute('/b/abc_DEF-123')).toEqual({ kind: 'board', boardId: 'abc_DEF-123' });
    expect(parseRoute('/b/abc/')).toEqual({ kind: 'board', boardId: 'abc' });
    expect(parseRoute('/b/has%20space')).toEqual({ kind: 'notFound' });
    expect(parseRoute('/b/%E0%A4%A')).toEqual({ kind: 'notFound' });
    expect(parseRoute(`/b/${'x'.repeat(65)}`)).toEqual({ kind: 'notFound' });
    expect(parseRoute('/elsewhere')).toEqual({ kind: 'notFound' });
    expect(parseRoute('/b/abc/extra')).toEqual({ kind: 'notFound' });
  });

  it('makes valid, distinct board ids', () => {
    const a = newBoardId();
    expect(a).toMatch(BOARD_ID_PATTERN);
    expect(a).not.toBe(newBoardId());
    expect(parseRoute(boardPath(a))).toEqual({ kind: 'board', boardId: a });
  });

  it('parses embed routes with their defaults', () => {
    expect(parseRoute('/embed/abc')).toEqual({ kind: 'embed', boardId: 'abc', options: DEFAULTS });
    expect(parseRoute('/embed/abc/', '')).toEqual({
      kind: 'embed',
      boardId: 'abc',
      options: DEFAULTS,
    });
    expect(parseRoute('/embed/has%20space')).toEqual({ kind: 'notFound' });
    expect(parseRoute('/embed/')).toEqual({ kind: 'notFound' });
  });

  it('reads every embed option, bare or with a value', () => {
    expect(parseRoute('/embed/abc', '?readonly&fit&theme=dark')).toEqual({
      kind: 'embed',
      boardId: 'abc',
      options: { ...DEFAULTS, readonly: true, fit: true, theme: 'dark' },
    });
    expect(parseEmbedOptions('?readonly=1&toolbar=0&grid=0&fit=1&theme=light')).toEqual({
      readonly: true,
      toolbar: false,
      theme: 'light',
      fit: true,
      grid: false,
    });
    expect(parseEmbedOptions('theme=auto').theme).toBe('auto');
    expect(parseEmbedOptions('?readonly=true').readonly).toBe(true);
    expect(parseEmbedOptions('?readonly=0').readonly).toBe(false);
    expect(parseEmbedOptions('?readonly=false').readonly).toBe(false);
    expect(parseEmbedOptions('?toolbar=false&grid=no').toolbar).toBe(false);
    expect(parseEmbedOptions('?toolbar=1&grid=1')).toEqual(DEFAULTS);
    // Unknown themes fall back to the stored preference; unknown options are ignored.
    expect(parseEmbedOptions('?theme=sepia&zoom=3')).toEqual(DEFAULTS);
  });
});
