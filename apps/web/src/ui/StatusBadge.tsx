import { ErrorCode, isRetryable } from '@drawbridge/protocol';
import type { ConnectionMonitor, ConnectionView } from '../collab/ConnectionMonitor.js';
import { useEmitter } from './hooks.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function statusText(
  view: ConnectionView,
  readonly = false,
): { label: string; detail: string } {
  const { status, unsaved } = view;
  if (readonly && status === 'live') {
    return { label: 'Live', detail: 'Connected: changes others make appear as they happen.' };
  }
  // Connected, but the server cannot store changes now (a full disk, its database down): it
  // refuses them until it can, and this client tries again by itself. Live, the others still
  // see every edit as it happens.
  if (
    view.error?.code === ErrorCode.STORAGE_ERROR &&
    (status === 'live' || status === 'connecting')
  ) {
    return {
      label: unsaved > 0 ? `Not saved · ${plural(unsaved, 'change')}` : 'Waiting for the server…',
      detail:
        'The server cannot save changes right now. ' +
        (status === 'live' ? 'Everyone still sees your edits live. ' : '') +
        'Yours are kept on this device and saved as soon as it can.',
    };
  }
  switch (status) {
    case 'live':
      return unsaved > 0
        ? {
            label: `Saving ${plural(unsaved, 'change')}…`,
            detail: 'Connected; waiting for the server to confirm.',
          }
        : { label: 'All changes saved', detail: 'Connected and live: everyone sees your edits.' };
    case 'offline':
      return {
        label: unsaved > 0 ? `Offline · ${plural(unsaved, 'unsaved change')}` : 'Offline',
        detail:
          'Your changes are kept on this device and sync when the connection is back. Reconnecting…',
      };
    case 'failed':
      return {
        label: 'Cannot open this board',
        detail: view.error?.message ?? 'The server refused this board.',
      };
    default:
      return {
        label: unsaved > 0 ? `Connecting… · ${plural(unsaved, 'unsaved change')}` : 'Connecting…',
        // A join refused for now (the server busy, shutting down, ...): it is tried again by
        // itself, less often each time (`JoinRetry`).
        detail:
          view.error && isRetryable(view.error.code)
            ? `The server did not open the board yet (${view.error.message}). Trying again by itself.`
            : 'Connecting to the server.',
      };
  }
}

/**
 * The connection and save state, always visible. `compact` (embeds) shows only the dot; the
 * words are its tooltip and accessible name.
 */
export function StatusBadge({
  connection,
  compact = false,
  readonly = false,
}: {
  connection: ConnectionMonitor;
  compact?: boolean;
  /** View only: "live" rather than "saved", as there is nothing to save. */
  readonly?: boolean;
}) {
  const view = useEmitter(connection.changed, () => connection.view);
  const { label, detail } = statusText(view, readonly);
  return (
    <div
      className={`status status-${view.status}${compact ? ' status-compact' : ''}`}
      data-testid="status"
      data-status={view.status}
      data-unsaved={view.unsaved}
      role="status"
      aria-live="polite"
      title={compact ? `${label}. ${detail}` : detail}
    >
      <span className="status-dot" aria-hidden="true" />
      <span className={compact ? 'visually-hidden' : 'status-label'}>{label}</span>
    </div>
  );
}
