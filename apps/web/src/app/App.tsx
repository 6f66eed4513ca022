import { useEffect, useLayoutEffect, useState } from 'react';
import type { TextMeasurer } from '../canvas/render/TextMeasurer.js';
import { BoardPage } from './BoardPage.js';
import type { Preferences } from './Preferences.js';
import { boardPath, newBoardId, parseRoute } from './routes.js';
import type { ToastStore } from './ToastStore.js';
import { useTheme } from './useTheme.js';

interface Props {
  prefs: Preferences;
  toasts: ToastStore;
  measurer: TextMeasurer;
}

/** Routes: `/` creates a board and moves to its link; `/b/<id>` opens it. */
export function App({ prefs, toasts, measurer }: Props) {
  const [path, setPath] = useState(() => window.location.pathname);
  const route = parseRoute(path);

  useEffect(() => {
    const onPopState = () => setPath(window.location.pathname);
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  useLayoutEffect(() => {
    if (route.kind !== 'new') return;
    // Replace, not push: Back should not land on `/` and make yet another board.
    const next = boardPath(newBoardId());
    window.history.replaceState(null, '', next);
    setPath(next);
  }, [route.kind]);

  if (route.kind === 'board') {
    return (
      <BoardPage
        key={route.boardId}
        boardId={route.boardId}
        prefs={prefs}
        toasts={toasts}
        measurer={measurer}
      />
    );
  }
  if (route.kind === 'notFound') return <NotFound prefs={prefs} />;
  return null;
}

function NotFound({ prefs }: { prefs: Preferences }) {
  useTheme(prefs);
  return (
    <main className="not-found">
      <h1>There is no board here</h1>
      <p>Board links look like /b/ followed by letters, digits, - and _.</p>
      <a className="primary-button" href="/">
        Start a new board
      </a>
    </main>
  );
}
