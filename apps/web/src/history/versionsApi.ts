/**
 * The server's version history of a board (README, "Version history"), with the link's token
 * in a header. Listings are checked like any remote data.
 */
import { readHttpError } from '@drawbridge/protocol';

export interface VersionListing {
  versionId: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
  editors: string[];
  reason: string;
}

const headers = (token: string | null): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};

const base = (boardId: string) => `/api/boards/${encodeURIComponent(boardId)}/versions`;

async function failure(response: Response): Promise<Error> {
  const error = readHttpError(await response.json().catch(() => null));
  return new Error(error?.message ?? `the server answered ${response.status}`);
}

function readListing(value: unknown): VersionListing | null {
  if (typeof value !== 'object' || value === null) return null;
  const { versionId, createdAt, editors, reason } = value as Record<string, unknown>;
  const at = typeof createdAt === 'string' ? Date.parse(createdAt) : Number.NaN;
  if (!Number.isSafeInteger(versionId) || !Number.isFinite(at)) return null;
  return {
    versionId: versionId as number,
    createdAt: at,
    editors: Array.isArray(editors)
      ? editors.filter((name): name is string => typeof name === 'string').slice(0, 20)
      : [],
    reason: typeof reason === 'string' ? reason : '',
  };
}

/** The board's versions, newest first. Throws with a message for the user. */
export async function listVersions(
  boardId: string,
  token: string | null,
): Promise<VersionListing[]> {
  const response = await fetch(base(boardId), { headers: headers(token), cache: 'no-store' });
  if (!response.ok) throw await failure(response);
  const body = (await response.json()) as { versions?: unknown };
  return (Array.isArray(body.versions) ? body.versions : [])
    .map(readListing)
    .filter((v): v is VersionListing => v !== null);
}

/** A version as one Yjs update of the whole board. */
export async function fetchVersion(
  boardId: string,
  token: string | null,
  versionId: number,
): Promise<Uint8Array> {
  const response = await fetch(`${base(boardId)}/${versionId}?format=yjs`, {
    headers: headers(token),
  });
  if (!response.ok) throw await failure(response);
  return new Uint8Array(await response.arrayBuffer());
}
