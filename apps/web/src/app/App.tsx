import { useEffect, useLayoutEffect, useState } from 'react';
import type { TextMeasurer } from '../canvas/render/TextMeasurer.js';
import { readToken } from '../collab/token.js';
import { BoardPage } from './BoardPage.js';
import { EmbedPage } from './EmbedPage.js';
import { HomePage } from './HomePage.js';
import type { Preferences } from './Preferences.js';
import { boardPath, newBoardId, parseRoute } from './routes.js';
import type { ToastStore } from './ToastStore.js';
import { useTheme } from './useTheme.js';

interface Props {
  prefs: Preferences;
  toasts: ToastStore;
  measurer: TextMeasurer;
}

interface Place {
  pathname: string;
  search: string;
  hash: string;
}

const here = (): Place => ({
  pathname: window.location.pathname,
  search: window.location.search,
  hash: window.location.hash,
});

/**
 * Routes: `/` is the home page (boards this browser opened); `/new` creates a board and moves
 * to its link; `/b/<id>` opens it; `/embed/<id>` opens it
 * without the app's chrome, for iframes. A capability token comes in the fragment
 * (`#token=...`) and stays there: the fragment never reaches HTTP requests, and a shared URL
 * keeps its access.
 */
export function App({ prefs, toasts, measurer }: Props) {
  const [place, setPlace] = useState(here);
  const route = parseRoute(place.pathname, place.search);
  const token = readToken(place.hash);

  useEffect(() => {
    const onChange = () => setPlace(here());
    window.addEventListener('popstate', onChange);
    window.addEventListener('hashchange', onChange);
    return () => {
      window.removeEventListener('popstate', onChange);
      window.removeEventListener('hashchange', onChange);
    };
  }, []);

  useLayoutEffect(() => {
    if (route.kind !== 'new') return;
    // Replace, not push: Back should not land on `/new` and make yet another board. The fragment
    // (a token for every board, say) comes along.
    const next = boardPath(newBoardId());
    window.history.replaceState(null, '', `${next}${window.location.hash}`);
    setPlace(here());
  }, [route.kind]);

  if (route.kind === 'board') {
    return (
      <BoardPage
        key={route.boardId}
        boardId={route.boardId}
        token={token}
        prefs={prefs}
        toasts={toasts}
        measurer={measurer}
      />
    );
  }
  if (route.kind === 'embed') {
    return (
      <EmbedPage
        key={route.boardId}
        boardId={route.boardId}
        token={token}
        options={route.options}
        prefs={prefs}
        measurer={measurer}
      />
    );
  }
  if (route.kind === 'home') return <HomePage prefs={prefs} />;
  if (route.kind === 'notFound') return <NotFound prefs={prefs} />;
  return null;
}

function NotFound({ prefs }: { prefs: Preferences }) {
  useTheme(prefs);
  return (
    <main className="not-found">
      <h1>There is no board here</h1>
      <p>Board links look like /b/ followed by letters, digits, - and _.</p>
      <a className="primary-button" href="/new">
        Start a new board
      </a>
    </main>
  );
}
