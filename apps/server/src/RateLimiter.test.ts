import { describe, expect, it } from 'vitest';
import { RateLimiter } from './RateLimiter.js';

describe('RateLimiter', () => {
  it('allows a burst, then the sustained rate', () => {
    let now = 0;
    const limiter = new RateLimiter(10, 20, { now: () => now });
    let allowed = 0;
    for (let i = 0; i < 100; i++) if (limiter.take()) allowed++;
    expect(allowed).toBe(20);
    now += 1000;
    allowed = 0;
    for (let i = 0; i < 100; i++) if (limiter.take()) allowed++;
    expect(allowed).toBe(10);
    now += 100_000;
    allowed = 0;
    for (let i = 0; i < 100; i++) if (limiter.take()) allowed++;
    expect(allowed).toBe(20);
  });
});
