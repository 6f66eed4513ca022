import { describe, expect, it } from 'vitest';
import { embedUrl } from './createBoardEmbed.js';

describe('embedUrl', () => {
  it('turns a board link into its embed URL with options, keeping the token in the fragment', () => {
    const url = embedUrl({
      url: 'https://draw.example.com/b/abc_123#token=t.o.k',
      readonly: true,
      toolbar: false,
      grid: false,
      theme: 'dark',
      fit: true,
    });
    expect(url.origin).toBe('https://draw.example.com');
    expect(url.pathname).toBe('/embed/abc_123');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      readonly: '1',
      toolbar: '0',
      grid: '0',
      theme: 'dark',
      fit: '1',
    });
    expect(url.search).not.toContain('token');
    expect(url.hash).toBe('#token=t.o.k');
  });

  it('prefers an explicit token, keeps a path prefix, and refuses other links', () => {
    const url = embedUrl({ url: 'https://example.com/draw/embed/x', token: 'a b' });
    expect(url.pathname).toBe('/draw/embed/x');
    expect(url.hash).toBe('#token=a%20b');
    expect(() => embedUrl({ url: 'https://example.com/other/x' })).toThrow(
      /not a Drawbridge board/,
    );
    expect(() => embedUrl({ url: 'https://example.com/b/bad id' })).toThrow();
  });
});
