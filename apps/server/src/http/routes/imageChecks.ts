/**
 * The checks of an upload beyond its format: what the client says it sent must agree with what
 * the bytes are (a lie either way is refused, not corrected), and the picture must be of a
 * size a browser can draw.
 */
import {
  DEFAULT_IMAGE_LIMITS,
  HttpErrorCode,
  type ImageType,
  imageTypeName,
} from '@drawbridge/protocol';
import { HttpError } from '../errors.js';

/** Declared types that say nothing about the format. */
const GENERIC = new Set(['', 'application/octet-stream']);
const ALIASES: Record<string, string> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg' };
const EXTENSIONS: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
};

const lie = (claim: string, actual: ImageType) =>
  new HttpError(
    415,
    HttpErrorCode.UNSUPPORTED_MEDIA_TYPE,
    `the upload says it is ${claim}, but its bytes are a ${imageTypeName(actual)} image`,
  );

/** Refuses a `Content-Type` or a file name (`?name=`) that names another format. */
export function checkDeclaredType(
  actual: ImageType,
  contentType: string | undefined,
  name: string | undefined,
): void {
  const declared = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!GENERIC.has(declared) && (ALIASES[declared] ?? declared) !== actual) {
    throw lie(declared, actual);
  }
  const extension = /\.([a-z0-9]+)$/i.exec(name ?? '')?.[1]?.toLowerCase();
  const named = extension ? EXTENSIONS[extension] : undefined;
  if (named && named !== actual) throw lie(`a .${extension} file`, actual);
}

export function checkPictureSize({ width, height }: { width: number; height: number }): void {
  const max = DEFAULT_IMAGE_LIMITS.maxImageSide;
  if (width > max || height > max) {
    throw new HttpError(
      413,
      HttpErrorCode.PAYLOAD_TOO_LARGE,
      `the picture is ${width} x ${height} px; each side may be at most ${max} px`,
    );
  }
}

/** 10485760 -> "10 MB" (binary megabytes, as the limits are set). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}
