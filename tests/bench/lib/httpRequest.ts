/**
 * One request with node:http, the lightest client Node has (fetch copies the body both ways):
 * what the scenarios that call Drawbridge's HTTP API use.
 */
import http from 'node:http';

export interface HttpAnswer {
  status: number;
  /** The body's length. */
  bytes: number;
  /** The body, when asked for (`keepBody`). */
  body?: Buffer;
}

export function httpRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string | number>;
    body?: Uint8Array;
    keepBody?: boolean;
  } = {},
): Promise<HttpAnswer> {
  const { body, keepBody = false } = options;
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? (body ? 'POST' : 'GET'),
        headers: { ...options.headers, ...(body ? { 'content-length': body.byteLength } : {}) },
      },
      (res) => {
        let bytes = 0;
        const kept: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.byteLength;
          if (keepBody) kept.push(chunk);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            bytes,
            ...(keepBody ? { body: Buffer.concat(kept) } : {}),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
