import type { ConnectionMonitor, ConnectionView } from '../collab/ConnectionMonitor.js';
import { useEmitter } from './hooks.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function statusText(view: ConnectionView): { label: string; detail: string } {
  const { status, unsaved } = view;
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
        detail: 'Connecting to the server.',
      };
  }
}

/** The connection and save state, always visible. */
export function StatusBadge({ connection }: { connection: ConnectionMonitor }) {
  const view = useEmitter(connection.changed, () => connection.view);
  const { label, detail } = statusText(view);
  return (
    <div
      className={`status status-${view.status}`}
      data-testid="status"
      data-status={view.status}
      data-unsaved={view.unsaved}
      role="status"
      aria-live="polite"
      title={detail}
    >
      <span className="status-dot" aria-hidden="true" />
      <span className="status-label">{label}</span>
    </div>
  );
}
