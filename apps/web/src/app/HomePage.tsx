import { useEffect, useMemo, useState } from 'react';
import { type RecentBoard, RecentBoards } from '../home/RecentBoards.js';
import { Icon } from '../ui/Icon.js';
import type { Preferences } from './Preferences.js';
import { boardPath } from './routes.js';
import { useTheme } from './useTheme.js';

const visitFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The entry's link, carrying the token it was opened with (in the fragment, as links do). */
const entryHref = (board: RecentBoard) =>
  `${boardPath(board.boardId)}${board.token ? `#token=${encodeURIComponent(board.token)}` : ''}`;

/** A thumbnail as an object URL for as long as the card shows it. */
function Thumbnail({ blob }: { blob: Blob | null }) {
  const url = useMemo(() => (blob ? URL.createObjectURL(blob) : null), [blob]);
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  if (!url) return <div className="home-thumb home-thumb-empty" aria-hidden="true" />;
  return <img className="home-thumb" src={url} alt="" data-testid="home-thumbnail" />;
}

/**
 * `/`: the boards this browser has opened, most recent first, with their names, thumbnails
 * and last visit; search by name, remove from the list, or start a new board. It is never a
 * list of the server's boards: a board's URL is its capability, and only this browser's are here.
 */
export function HomePage({ prefs }: { prefs: Preferences }) {
  useTheme(prefs);
  const recent = useMemo(() => new RecentBoards(), []);
  const [boards, setBoards] = useState<RecentBoard[] | null>(null);
  const [query, setQuery] = useState('');

  useEffect(() => {
    let current = true;
    void recent.list().then((list) => current && setBoards(list));
    return () => {
      current = false;
    };
  }, [recent]);

  const remove = async (boardId: string) => {
    await recent.remove(boardId);
    setBoards((list) => list?.filter((board) => board.boardId !== boardId) ?? null);
  };

  const needle = query.trim().toLowerCase();
  const shown = (boards ?? []).filter((board) =>
    (board.name || 'Untitled board').toLowerCase().includes(needle),
  );

  return (
    <main className="home" data-testid="home">
      <header className="home-header">
        <h1>
          <Icon name="logo" size={26} /> Your boards
        </h1>
        <a className="primary-button" href="/new" data-testid="home-new">
          New board
        </a>
      </header>
      {boards !== null && boards.length > 0 && (
        <input
          className="home-search"
          type="search"
          placeholder="Search by name"
          aria-label="Search boards by name"
          data-testid="home-search"
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
        />
      )}
      {boards?.length === 0 && (
        <p className="home-note" data-testid="home-empty">
          Boards you open in this browser appear here. Start one, or open a link someone shared.
        </p>
      )}
      {boards !== null && boards.length > 0 && shown.length === 0 && (
        <p className="home-note">No board here matches “{query.trim()}”.</p>
      )}
      <ul className="home-grid">
        {shown.map((board) => (
          <li key={board.boardId} className="home-card panel" data-testid="home-board">
            <a href={entryHref(board)} className="home-open" data-board={board.boardId}>
              <Thumbnail blob={board.thumbnail} />
              <span className="home-name" data-testid="home-name">
                {board.name || 'Untitled board'}
              </span>
              <span className="home-visit">
                Last opened {visitFormat.format(new Date(board.lastVisit))}
              </span>
            </a>
            <button
              type="button"
              className="link-button home-remove"
              data-testid="home-remove"
              aria-label={`Remove ${board.name || 'Untitled board'} from this list`}
              title="Remove from this list (the board itself stays)"
              onClick={() => void remove(board.boardId)}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
    </main>
  );
}
