import { ErrorCode, type HttpErrorBody, HttpErrorCode, ProtocolError } from '@drawbridge/protocol';
import type { Context, ErrorHandler, MiddlewareHandler, NotFoundHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../logger.js';
import { MemoryRefusal } from '../rooms/BoardMemory.js';

/**
 * A refused HTTP request. Thrown anywhere in a handler; `app.onError` turns it into the one
 * error shape (`{ error: { code, message } }`, see `@drawbridge/protocol`'s `HttpErrorCode`).
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: HttpErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const badRequest = (message: string): HttpError =>
  new HttpError(400, HttpErrorCode.BAD_REQUEST, message);

export const notFound = (message = 'not found'): HttpError =>
  new HttpError(404, HttpErrorCode.NOT_FOUND, message);

/** The JSON answer for `error`. Errors are never cached. */
export function errorResponse(c: Context, error: HttpError): Response {
  const body: HttpErrorBody = { error: { code: error.code, message: error.message } };
  return c.json(body, error.status, { 'cache-control': 'no-store', ...error.headers });
}

/**
 * The app's error handler: our errors as they are, Hono's own (a malformed request it caught)
 * as BAD_REQUEST with its status, anything else logged and answered as INTERNAL_ERROR without
 * its details.
 */
export function handleErrors(logger: Logger): ErrorHandler {
  return (error, c) => {
    if (error instanceof HttpError) return errorResponse(c, error);
    // A board being deleted refuses to load: for a reader, it is gone.
    if (error instanceof ProtocolError && error.code === ErrorCode.BOARD_DELETED) {
      return errorResponse(c, notFound('the board was deleted'));
    }
    // The loaded boards hold their memory budget: a board cannot be loaded or changed now.
    if (error instanceof MemoryRefusal) {
      return errorResponse(
        c,
        new HttpError(503, HttpErrorCode.UNAVAILABLE, error.message, { 'retry-after': '5' }),
      );
    }
    if (error instanceof HTTPException && error.status < 500) {
      return errorResponse(
        c,
        new HttpError(
          error.status as ContentfulStatusCode,
          HttpErrorCode.BAD_REQUEST,
          error.message,
        ),
      );
    }
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'HTTP request failed');
    return errorResponse(c, new HttpError(500, HttpErrorCode.INTERNAL_ERROR, 'internal error'));
  };
}

export const handleNotFound: NotFoundHandler = (c) => errorResponse(c, notFound());

/**
 * Caps a route's request body at `maxBytes`: by Content-Length before reading, and while
 * reading a body without one. Every route that reads a body declares its own limit.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new HttpError(
        413,
        HttpErrorCode.PAYLOAD_TOO_LARGE,
        `the body must be at most ${maxBytes} bytes`,
      );
    },
  });
}

/**
 * The request's JSON body checked by `parse` (which throws `badRequest` for a wrong shape). An
 * empty body is `{}`, so optional fields may simply be left out. Use after `limitBody`.
 */
export async function readJson<T>(c: Context, parse: (value: unknown) => T): Promise<T> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text);
    } catch {
      throw badRequest('the body is not JSON');
    }
  }
  return parse(value);
}

/** Answers 405 with `Allow` for the methods a path does not have. */
export function methodNotAllowed(allowed: readonly string[]): MiddlewareHandler {
  return () => {
    throw new HttpError(405, HttpErrorCode.METHOD_NOT_ALLOWED, `use ${allowed.join(' or ')}`, {
      allow: allowed.join(', '),
    });
  };
}
