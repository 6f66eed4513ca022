import { describe, expect, it } from 'vitest';
import { type LinkGrant, readRevocation, revokedBy, revokedByState } from './revocation.js';

const T = Date.parse('2026-05-01T10:00:00Z');
const link = (patch: Partial<LinkGrant> = {}): LinkGrant => ({
  id: 'abc',
  scope: 'board-1',
  issuedAt: T,
  ...patch,
});

describe('revocation rules', () => {
  it('a stored revocation, or a "revoke all" at or after the mint, revokes a link', () => {
    const none = { createdAt: T, revokedAt: null, revokedBefore: null };
    expect(revokedByState(link(), none)).toBe(false);
    expect(revokedByState(link(), { ...none, revokedAt: T + 5 })).toBe(true);
    expect(revokedByState(link(), { ...none, revokedBefore: T })).toBe(true);
    expect(revokedByState(link(), { ...none, revokedBefore: T - 1 })).toBe(false);
  });

  it('a pushed revocation applies to its scope only, by id or by time', () => {
    const byId = { scope: 'board-1', linkIds: ['abc'], revokedBefore: null };
    expect(revokedBy(link(), byId)).toBe(true);
    expect(revokedBy(link({ id: 'other' }), byId)).toBe(false);
    expect(revokedBy(link({ scope: '*' }), byId)).toBe(false);
    const all = { scope: 'board-1', linkIds: [], revokedBefore: T };
    expect(revokedBy(link(), all)).toBe(true);
    expect(revokedBy(link({ issuedAt: T + 1 }), all)).toBe(false);
    expect(revokedBy(link({ scope: 'board-2' }), all)).toBe(false);
  });

  it('reads a revocation from another node only when well formed', () => {
    const good = { scope: '*', linkIds: ['a_b-C1'], revokedBefore: null };
    expect(readRevocation(good)).toEqual(good);
    expect(readRevocation({ ...good, revokedBefore: T })).toEqual({ ...good, revokedBefore: T });
    for (const bad of [
      null,
      'x',
      { ...good, scope: 'not a board' },
      { ...good, linkIds: 'abc' },
      { ...good, linkIds: ['bad id'] },
      { ...good, linkIds: ['x'.repeat(65)] },
      { ...good, revokedBefore: 1.5 },
      { ...good, revokedBefore: '1' },
    ]) {
      expect(readRevocation(bad), JSON.stringify(bad)).toBeNull();
    }
  });
});
