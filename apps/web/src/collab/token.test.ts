import { describe, expect, it } from 'vitest';
import { readToken, tokenRole } from './token.js';

const b64url = (value: unknown): string =>
  btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const jwt = (claims: unknown): string =>
  `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}.c2lnbmF0dXJl`;

describe('link tokens', () => {
  it('reads the token from the fragment', () => {
    expect(readToken('#token=abc.def.ghi')).toBe('abc.def.ghi');
    expect(readToken('token=abc')).toBe('abc');
    expect(readToken('#other=1&token=a%2Bb')).toBe('a+b');
    expect(readToken('')).toBeNull();
    expect(readToken('#')).toBeNull();
    expect(readToken('#token=')).toBeNull();
    expect(readToken('#tokens=abc')).toBeNull();
  });

  it("reads a token's claimed role as a hint, and nothing from junk", () => {
    expect(tokenRole(jwt({ board: 'b', role: 'viewer', jti: 'x' }))).toBe('viewer');
    expect(tokenRole(jwt({ board: 'b', role: 'editor' }))).toBe('editor');
    // Lengths that need base64 padding decode too.
    expect(tokenRole(jwt({ role: 'viewer', pad: 'a' }))).toBe('viewer');
    expect(tokenRole(jwt({ role: 'viewer', pad: 'ab' }))).toBe('viewer');
    expect(tokenRole(jwt({ role: 'owner' }))).toBeNull();
    expect(tokenRole(jwt(null))).toBeNull();
    expect(tokenRole('not-a-jwt')).toBeNull();
    expect(tokenRole('a.%%%.c')).toBeNull();
    expect(tokenRole(null)).toBeNull();
  });
});
