/**
 * The server's image API (README, "Images"): upload the bytes of one image, fetch one back.
 * The link's token goes in a header, never in a URL (where logs and referrers would keep it).
 */
import { type ImageType, readHttpError } from '@drawbridge/protocol';

export interface UploadedAsset {
  assetId: string;
  type: ImageType;
  width: number;
  height: number;
  bytes: number;
}

/** The server refused the image for good (too large, not an image, not allowed). */
export class UploadRefused extends Error {
  override readonly name = 'UploadRefused';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const headers = (token: string | null, extra: Record<string, string> = {}) =>
  token ? { ...extra, authorization: `Bearer ${token}` } : extra;

/** A stalled upload fails (and is retried later) rather than holding a rejoin forever. */
const UPLOAD_TIMEOUT_MS = 60_000;

const assetsUrl = (boardId: string) => `/api/boards/${encodeURIComponent(boardId)}/assets`;

/** Statuses worth retrying: the server or the network may do better later. */
const transient = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * Uploads one image. Throws `UploadRefused` when the server will never take it, any other
 * error (offline, server down) when a later try may succeed.
 */
export async function uploadAsset(
  boardId: string,
  token: string | null,
  blob: Blob,
): Promise<UploadedAsset> {
  const response = await fetch(assetsUrl(boardId), {
    method: 'POST',
    headers: headers(token, { 'content-type': blob.type || 'application/octet-stream' }),
    body: blob,
    signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
  });
  if (response.ok) return (await response.json()) as UploadedAsset;
  const error = readHttpError(await response.json().catch(() => null));
  const message = error?.message ?? `the server answered ${response.status}`;
  if (transient(response.status)) throw new Error(message);
  throw new UploadRefused(response.status, message);
}

/**
 * One image of the board: its bytes, or null when the board has no such image (yet, or
 * any more, or not for this link). Throws when the network or server failed (try again).
 */
export async function downloadAsset(
  boardId: string,
  token: string | null,
  assetId: string,
): Promise<Blob | null> {
  const response = await fetch(`${assetsUrl(boardId)}/${assetId}`, { headers: headers(token) });
  if (response.ok) return response.blob();
  if (transient(response.status)) throw new Error(`the server answered ${response.status}`);
  return null;
}
