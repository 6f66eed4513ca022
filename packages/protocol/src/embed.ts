/**
 * The postMessage API between a host page and an embedded board (`/embed/<id>` in an iframe).
 * Both sides check `event.origin` and `event.source` before reading a message, then validate
 * it with these parsers: a message is data from another origin, never trusted.
 */
import type { ErrorPayload } from './errors.js';

export const EMBED_HOST_SOURCE = 'drawbridge-host';
export const EMBED_FRAME_SOURCE = 'drawbridge-embed';
export const EMBED_API_VERSION = 1;

export type EmbedTheme = 'light' | 'dark' | 'auto';
export type EmbedConnection = 'connecting' | 'live' | 'offline' | 'failed';

/** Host -> iframe: a command; the iframe answers with a `result` carrying the same id. */
export type HostCommand =
  | { type: 'zoomToFit' }
  | { type: 'setTheme'; theme: EmbedTheme }
  | { type: 'exportPng' };

export type HostMessage = { source: typeof EMBED_HOST_SOURCE; id: number } & HostCommand;

export interface EmbedStatus {
  connection: EmbedConnection;
  /** Local changes the server has not yet confirmed as stored. */
  unsaved: number;
  saved: boolean;
  role: 'editor' | 'viewer' | null;
}

/** Iframe -> host. */
export type EmbedEvent =
  | { type: 'ready'; version: number; boardId: string; readonly: boolean }
  | ({ type: 'status' } & EmbedStatus)
  | { type: 'change'; shapes: number; name: string }
  | { type: 'error'; error: ErrorPayload }
  | { type: 'result'; id: number; ok: true; value?: unknown }
  | { type: 'result'; id: number; ok: false; error: ErrorPayload };

export type EmbedMessage = { source: typeof EMBED_FRAME_SOURCE } & EmbedEvent;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A valid command from the host, or null. */
export function parseHostMessage(data: unknown): HostMessage | null {
  if (!isRecord(data) || data.source !== EMBED_HOST_SOURCE) return null;
  if (!Number.isSafeInteger(data.id)) return null;
  const id = data.id as number;
  switch (data.type) {
    case 'zoomToFit':
    case 'exportPng':
      return { source: EMBED_HOST_SOURCE, id, type: data.type };
    case 'setTheme':
      return data.theme === 'light' || data.theme === 'dark' || data.theme === 'auto'
        ? { source: EMBED_HOST_SOURCE, id, type: 'setTheme', theme: data.theme }
        : null;
    default:
      return null;
  }
}

/** A valid event from the embedded board, or null. */
export function parseEmbedMessage(data: unknown): EmbedMessage | null {
  if (!isRecord(data) || data.source !== EMBED_FRAME_SOURCE) return null;
  switch (data.type) {
    case 'ready':
      return typeof data.boardId === 'string' &&
        typeof data.readonly === 'boolean' &&
        typeof data.version === 'number'
        ? (data as EmbedMessage)
        : null;
    case 'status':
      return typeof data.connection === 'string' &&
        typeof data.unsaved === 'number' &&
        typeof data.saved === 'boolean'
        ? (data as EmbedMessage)
        : null;
    case 'change':
      return typeof data.shapes === 'number' && typeof data.name === 'string'
        ? (data as EmbedMessage)
        : null;
    case 'error':
      return isRecord(data.error) && typeof data.error.code === 'string'
        ? (data as EmbedMessage)
        : null;
    case 'result':
      return Number.isSafeInteger(data.id) && typeof data.ok === 'boolean'
        ? (data as EmbedMessage)
        : null;
    default:
      return null;
  }
}
