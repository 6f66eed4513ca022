import { describe, expect, it } from 'vitest';
import type { Logger } from '../logger.js';
import { ConfigAgreement, configFingerprint } from './ConfigAgreement.js';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

function recording() {
  const errors: { obj: object; msg: string }[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error: (obj, msg) => errors.push({ obj, msg: msg ?? '' }),
    child: () => logger,
  };
  const counts: number[] = [];
  return { errors, logger, counts, onChange: (n: number) => counts.push(n) };
}

describe('shared settings across nodes', () => {
  it('fingerprints each setting without revealing it', () => {
    const a = configFingerprint({ AUTH_SECRET: SECRET, PUBLIC_URL: null });
    expect(a).toEqual({
      AUTH_SECRET: expect.stringMatching(/^[0-9a-f]{16}$/),
      PUBLIC_URL: 'unset',
    });
    expect(JSON.stringify(a)).not.toContain(SECRET.slice(0, 8));
    expect(configFingerprint({ AUTH_SECRET: SECRET })).toEqual({ AUTH_SECRET: a.AUTH_SECRET });
    expect(configFingerprint({ AUTH_SECRET: `${SECRET}!` }).AUTH_SECRET).not.toBe(a.AUTH_SECRET);
    // The same value under another name fingerprints differently.
    expect(configFingerprint({ ADMIN_TOKEN: SECRET }).ADMIN_TOKEN).not.toBe(a.AUTH_SECRET);
  });

  it('reports a node that disagrees once per setting, and counts the nodes that disagree', () => {
    const mine = configFingerprint({ AUTH_SECRET: SECRET, ADMIN_TOKEN: 'token', PUBLIC_URL: null });
    const r = recording();
    const agreement = new ConfigAgreement(mine, r.logger, r.onChange);

    agreement.heard('n2', mine);
    expect(r.errors).toEqual([]);
    expect(r.counts).toEqual([]);

    const open = { ...mine, AUTH_SECRET: 'unset' };
    agreement.heard('n3', open);
    agreement.heard('n3', open);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.obj).toEqual({ node: 'n3', setting: 'AUTH_SECRET' });
    expect(r.errors[0]!.msg).toContain('set on one and not the other');
    expect(r.counts).toEqual([1]);

    // Another setting of the same node, and another value of the first: reported anew.
    const other = configFingerprint({ AUTH_SECRET: 'another-secret-of-thirty-two-chars!!' });
    agreement.heard('n3', {
      ...open,
      ADMIN_TOKEN: configFingerprint({ ADMIN_TOKEN: 'x' }).ADMIN_TOKEN!,
    });
    agreement.heard('n3', { ...mine, ...other });
    expect(r.errors.map((e) => (e.obj as { setting: string }).setting)).toEqual([
      'AUTH_SECRET',
      'ADMIN_TOKEN',
      'AUTH_SECRET',
    ]);
    expect(r.errors[2]!.msg).toContain('different');

    agreement.heard('n4', open);
    expect(r.counts.at(-1)).toBe(2);
    // Fixed on n3, n4 gone: nobody disagrees.
    agreement.heard('n3', mine);
    agreement.forget('n4');
    expect(r.counts.at(-1)).toBe(0);
    // Settings the other node does not announce (an older version) are not compared.
    agreement.heard('n5', undefined);
    agreement.heard('n6', { AUTH_SECRET: mine.AUTH_SECRET! });
    expect(r.counts.at(-1)).toBe(0);
    expect(r.errors).toHaveLength(4);
  });
});
