/** The admin HTTP API of a running server, as the tests (and operators' scripts) call it. */
import { expect } from 'vitest';

export interface MintedLink {
  url: string;
  token: string;
  id: string;
  board: string;
  role: string;
}

export interface ListedBoard {
  id: string;
  name: string | null;
  bytes: number;
  updatedAt: string | null;
  members: number;
}

export function adminApi(baseUrl: string, adminToken: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  /** The JSON of an answer that must have `status`. */
  const expectJson = async <T>(response: Response, status: number): Promise<T> => {
    const text = await response.text();
    expect(response.status, text).toBe(status);
    return JSON.parse(text) as T;
  };
  return {
    call,
    mint: async (board: string, role: 'editor' | 'viewer', ttl = '1h') =>
      expectJson<MintedLink>(await call('POST', `/api/boards/${board}/links`, { role, ttl }), 201),
    links: async (board: string) =>
      (
        await expectJson<{ links: Record<string, unknown>[] }>(
          await call('GET', `/api/boards/${board}/links`),
          200,
        )
      ).links,
    revoke: async (board: string, linkId: string) =>
      expectJson<{ link: Record<string, unknown> }>(
        await call('DELETE', `/api/boards/${board}/links/${linkId}`),
        200,
      ),
    revokeAll: async (board: string) =>
      expectJson<{ revoked: string[]; revokedBefore: string }>(
        await call('DELETE', `/api/boards/${board}/links`),
        200,
      ),
    boards: async () =>
      expectJson<{ boards: ListedBoard[]; complete: boolean }>(
        await call('GET', '/api/boards'),
        200,
      ),
    deleteBoard: async (board: string) =>
      expectJson<{ deleted: string; members: number; complete: boolean }>(
        await call('DELETE', `/api/boards/${board}`),
        200,
      ),
  };
}
