import { useEffect, useState } from 'react';
import { listVersions, type VersionListing } from '../history/versionsApi.js';

interface Props {
  boardId: string;
  token: string | null;
  /** The version shown on the canvas, if any. */
  viewing: number | null;
  opening: number | null;
  onOpen: (listing: VersionListing) => void;
  onClose: () => void;
}

/** While open, the list is refreshed this often: versions appear as people edit. */
const REFRESH_MS = 5000;

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const versionTime = (at: number): string => timeFormat.format(new Date(at));

const editorsText = (names: readonly string[]) =>
  names.length === 0 ? 'No edits recorded' : names.join(', ');

/**
 * The board's versions, newest first, with when and who edited; a click shows one on the
 * canvas (read-only). Anyone who can see the board may browse; restoring is in the banner.
 */
export function HistoryPanel({ boardId, token, viewing, opening, onOpen, onClose }: Props) {
  const [versions, setVersions] = useState<VersionListing[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const list = await listVersions(boardId, token);
        if (!stopped) {
          setVersions(list);
          setError(null);
        }
      } catch (e) {
        if (!stopped) setError((e as Error).message);
      }
      if (!stopped) timer = setTimeout(() => void load(), REFRESH_MS);
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [boardId, token]);

  return (
    <aside className="history-panel panel" aria-label="Version history" data-testid="history-panel">
      <header className="dialog-header">
        <h2>History</h2>
        <button type="button" className="link-button" onClick={onClose} data-testid="history-close">
          Close
        </button>
      </header>
      {error && versions === null && <p className="history-note">Offline: {error}</p>}
      {versions?.length === 0 && (
        <p className="history-note">
          No versions yet. A version is kept every few minutes while the board is edited, and when
          everyone leaves.
        </p>
      )}
      <ol className="history-list">
        {versions?.map((version) => (
          <li key={version.versionId}>
            <button
              type="button"
              className="history-item"
              data-testid="history-version"
              data-version={version.versionId}
              aria-pressed={viewing === version.versionId}
              aria-busy={opening === version.versionId}
              onClick={() => onOpen(version)}
            >
              <span className="history-time">{versionTime(version.createdAt)}</span>
              <span className="history-editors">{editorsText(version.editors)}</span>
            </button>
          </li>
        ))}
      </ol>
    </aside>
  );
}
