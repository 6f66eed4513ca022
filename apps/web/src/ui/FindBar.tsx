import { shapeBounds } from '@drawbridge/board';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { Editor } from '../canvas/Editor.js';
import { findMatches } from './findMatches.js';
import { Icon } from './Icon.js';

/** Ctrl+F: finds text on the board and zooms to each match in turn (Enter, Shift+Enter). */
export function FindBar({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const [at, setAt] = useState(0);
  const ref = useRef<HTMLInputElement>(null);
  const subscribe = useCallback((notify: () => void) => editor.store.subscribe(notify), [editor]);
  useSyncExternalStore(subscribe, () => editor.store.version);
  const matches = findMatches(editor.store.all(), query);
  const current =
    matches.length > 0
      ? matches[((at % matches.length) + matches.length) % matches.length]
      : undefined;

  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);

  const currentId = current?.id ?? null;
  // Zoom when the match changes or is stepped to again, not on every edit of the board.
  useEffect(() => {
    editor.overlay.found = currentId;
    const shape = currentId ? editor.store.get(currentId) : undefined;
    if (shape) editor.commands.zoomTo(shapeBounds(shape));
    editor.invalidate();
  }, [editor, currentId, at]);

  useEffect(
    () => () => {
      editor.overlay.found = null;
      editor.invalidate();
    },
    [editor],
  );

  const step = (by: number) => setAt((i) => i + by);
  return (
    <search className="find-bar panel" data-testid="find-bar">
      <Icon name="search" size={16} />
      <input
        ref={ref}
        data-testid="find-input"
        aria-label="Find text on the board"
        placeholder="Find on board"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setAt(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            step(e.shiftKey ? -1 : 1);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            onClose();
          }
        }}
      />
      <span className="find-count" data-testid="find-count" aria-live="polite">
        {query.trim()
          ? `${matches.length === 0 ? 0 : (((at % matches.length) + matches.length) % matches.length) + 1} of ${matches.length}`
          : ''}
      </span>
      <button
        type="button"
        className="icon-button"
        aria-label="Previous match"
        onClick={() => step(-1)}
        disabled={matches.length === 0}
      >
        <Icon name="chevronUp" size={16} />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Next match"
        data-testid="find-next"
        onClick={() => step(1)}
        disabled={matches.length === 0}
      >
        <Icon name="chevronDown" size={16} />
      </button>
      <button type="button" className="icon-button" aria-label="Close find" onClick={onClose}>
        <Icon name="close" size={16} />
      </button>
    </search>
  );
}
