/**
 * The HTTP API's one error shape: every refused request is answered with its status and
 * `{ "error": { "code", "message" } }`, so a client reads one field whatever the route. Codes
 * that mean the same thing as a socket error (`UNAUTHORIZED`, `TOKEN_EXPIRED`, `FORBIDDEN`,
 * `LINK_REVOKED`) use the socket's code, so one message table serves both.
 */
export const HttpErrorCode = {
  /** 400: the query, the path or the body is malformed (bad JSON, wrong fields). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** 401: the capability token is missing, malformed or tampered with. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** 401: the capability token has expired. */
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  /** 401: the capability token was revoked. */
  LINK_REVOKED: 'LINK_REVOKED',
  /** 401: the admin bearer token is missing or wrong. */
  ADMIN_UNAUTHORIZED: 'ADMIN_UNAUTHORIZED',
  /** 403: the token is for another board, or its role does not allow this. */
  FORBIDDEN: 'FORBIDDEN',
  /** 404: no such route, board, link or file. */
  NOT_FOUND: 'NOT_FOUND',
  /** 404: the admin API is off (the server has no ADMIN_TOKEN). */
  ADMIN_DISABLED: 'ADMIN_DISABLED',
  /** 405: the route exists, the method does not (see the `Allow` header). */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** 409: the request conflicts with the server's state or configuration. */
  CONFLICT: 'CONFLICT',
  /** 413: the body is larger than the route accepts. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** 415: the body's type is not one the route accepts. */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** 500: anything else; the server logged it. */
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  /** 501: a format or option the server does not implement. */
  NOT_IMPLEMENTED: 'NOT_IMPLEMENTED',
  /** 503: storage (or the cluster) does not answer; try again later. */
  UNAVAILABLE: 'UNAVAILABLE',
} as const;

export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];

export interface HttpErrorBody {
  error: { code: HttpErrorCode; message: string };
}

/** The error of an HTTP answer's body, or null when the body is not the documented shape. */
export function readHttpError(body: unknown): HttpErrorBody['error'] | null {
  const error = (body as { error?: unknown } | null)?.error as
    | { code?: unknown; message?: unknown }
    | undefined;
  if (typeof error !== 'object' || error === null) return null;
  const { code, message } = error;
  if (typeof code !== 'string' || !Object.hasOwn(HttpErrorCode, code)) return null;
  return { code: code as HttpErrorCode, message: typeof message === 'string' ? message : '' };
}
