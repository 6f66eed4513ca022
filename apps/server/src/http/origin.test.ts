import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createOriginCheck } from './origin.js';

const request = (origin: string | undefined, host: string) =>
  ({ headers: { ...(origin ? { origin } : {}), host } }) as IncomingMessage;

describe('origin check', () => {
  const check = createOriginCheck(['https://wiki.example.com']);

  it('admits the same origin whatever default port the proxy put in Host', () => {
    expect(check(request('https://draw.example.com', 'draw.example.com'))).toBe(true);
    expect(check(request('https://draw.example.com', 'draw.example.com:443'))).toBe(true);
    expect(check(request('http://draw.example.com', 'draw.example.com:80'))).toBe(true);
    expect(check(request('https://127.0.0.1:8443', '127.0.0.1:8443'))).toBe(true);
  });

  it('refuses another host or port, and admits the listed origins and none', () => {
    expect(check(request('https://draw.example.com', 'draw.example.com:8443'))).toBe(false);
    expect(check(request('https://evil.example', 'draw.example.com'))).toBe(false);
    expect(check(request('not a url', 'draw.example.com'))).toBe(false);
    expect(check(request('https://wiki.example.com', 'draw.example.com'))).toBe(true);
    expect(check(request(undefined, 'draw.example.com'))).toBe(true);
  });
});
