import { describe, expect, it } from 'vitest';
import { parseEmbedMessage, parseHostMessage } from './embed.js';

describe('embed messages', () => {
  it('accepts well-formed host commands only', () => {
    expect(parseHostMessage({ source: 'drawbridge-host', id: 1, type: 'zoomToFit' })).toEqual({
      source: 'drawbridge-host',
      id: 1,
      type: 'zoomToFit',
    });
    expect(
      parseHostMessage({ source: 'drawbridge-host', id: 2, type: 'setTheme', theme: 'dark' }),
    ).toMatchObject({ theme: 'dark' });
    for (const bad of [
      null,
      'zoomToFit',
      { source: 'other', id: 1, type: 'zoomToFit' },
      { source: 'drawbridge-host', id: 1.5, type: 'zoomToFit' },
      { source: 'drawbridge-host', id: 1, type: 'setTheme', theme: 'pink' },
      { source: 'drawbridge-host', id: 1, type: 'eval', code: 'alert(1)' },
    ]) {
      expect(parseHostMessage(bad)).toBeNull();
    }
  });

  it('accepts well-formed embed events only', () => {
    expect(
      parseEmbedMessage({
        source: 'drawbridge-embed',
        type: 'ready',
        version: 1,
        boardId: 'b',
        readonly: false,
      }),
    ).not.toBeNull();
    expect(
      parseEmbedMessage({
        source: 'drawbridge-embed',
        type: 'status',
        connection: 'live',
        unsaved: 0,
        saved: true,
        role: 'editor',
      }),
    ).not.toBeNull();
    expect(
      parseEmbedMessage({ source: 'drawbridge-embed', type: 'result', id: 3, ok: true }),
    ).not.toBeNull();
    expect(
      parseEmbedMessage({ source: 'drawbridge-embed', type: 'status', connection: 'live' }),
    ).toBeNull();
    expect(parseEmbedMessage({ source: 'drawbridge-embed', type: 'error', error: 'x' })).toBeNull();
    expect(parseEmbedMessage({ type: 'ready' })).toBeNull();
  });
});
