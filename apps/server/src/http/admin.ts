import { timingSafeEqual } from 'node:crypto';
import { HttpErrorCode } from '@drawbridge/protocol';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from './errors.js';

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Lets through only requests with `Authorization: Bearer <ADMIN_TOKEN>`. Without an admin
 * token the whole admin API is off: 404, so it does not even show that it exists.
 */
export function requireAdmin(adminToken: string | null): MiddlewareHandler {
  return async (c, next) => {
    if (!adminToken) {
      throw new HttpError(
        404,
        HttpErrorCode.ADMIN_DISABLED,
        'the admin API is disabled (set ADMIN_TOKEN)',
      );
    }
    const header = c.req.header('authorization') ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!sameSecret(presented, adminToken)) {
      throw new HttpError(401, HttpErrorCode.ADMIN_UNAUTHORIZED, 'bad or missing admin token', {
        'www-authenticate': 'Bearer',
      });
    }
    await next();
  };
}
