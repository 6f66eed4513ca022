import { ErrorCode } from '@drawbridge/protocol';
import { describe, expect, it } from 'vitest';
import { parseTtl, TokenService } from './TokenService.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

describe('TokenService', () => {
  it('mints tokens that verify for their board and role', async () => {
    const now = Date.parse('2026-01-01T00:00:00.750Z');
    const tokens = new TokenService(SECRET, () => now);
    const { token, id, expiresAt, createdAt } = await tokens.mint({
      board: 'b1',
      role: 'viewer',
      ttlSeconds: 60,
    });
    const claims = await tokens.verify(token, 'b1');
    expect(claims).toMatchObject({ board: 'b1', role: 'viewer', id });
    expect(claims.expiresAt.getTime()).toBe(expiresAt.getTime());
    // The token carries whole seconds; the mint reports the exact time (for the link record).
    expect(createdAt.getTime()).toBe(now);
    expect(claims.issuedAt.getTime()).toBe(now - 750);
  });

  it('lets a `*` token open every board', async () => {
    const tokens = new TokenService(SECRET);
    const { token } = await tokens.mint({ board: '*', role: 'editor', ttlSeconds: 60 });
    expect((await tokens.verify(token, 'any-board')).role).toBe('editor');
  });

  it('refuses tampered, foreign, wrong-board and expired tokens with clear codes', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const tokens = new TokenService(SECRET, () => now);
    const { token } = await tokens.mint({ board: 'b1', role: 'viewer', ttlSeconds: 60 });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'editor' })).toString('base64url');
    await expect(tokens.verify(`${header}.${forged}.${signature}`, 'b1')).rejects.toMatchObject({
      code: ErrorCode.UNAUTHORIZED,
    });
    const other = new TokenService(`${SECRET}-other`, () => now);
    await expect(other.verify(token, 'b1')).rejects.toMatchObject({ code: ErrorCode.UNAUTHORIZED });
    await expect(tokens.verify('not.a.jwt', 'b1')).rejects.toMatchObject({
      code: ErrorCode.UNAUTHORIZED,
    });
    await expect(tokens.verify(token, 'b2')).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    now += 61_000;
    await expect(tokens.verify(token, 'b1')).rejects.toMatchObject({
      code: ErrorCode.TOKEN_EXPIRED,
    });
  });

  it('refuses short secrets and parses ttls', () => {
    expect(() => new TokenService('short')).toThrow(/32/);
    expect(parseTtl('7d')).toBe(604_800);
    expect(parseTtl('12h')).toBe(43_200);
    expect(parseTtl('30m')).toBe(1800);
    expect(parseTtl('45')).toBe(45);
    expect(() => parseTtl('soon')).toThrow();
    expect(() => parseTtl('0')).toThrow();
  });
});
