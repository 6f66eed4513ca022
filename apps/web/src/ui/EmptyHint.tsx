import { useCallback, useSyncExternalStore } from 'react';
import type { Editor } from '../canvas/Editor.js';
import { useEditorState } from './hooks.js';

/** A word of welcome on an empty board, gone with the first shape. */
export function EmptyHint({ editor }: { editor: Editor }) {
  const subscribe = useCallback((notify: () => void) => editor.store.subscribe(notify), [editor]);
  const empty = useSyncExternalStore(subscribe, () => editor.store.size === 0);
  const { editing } = useEditorState(editor);
  if (!empty || editing) return null;
  return (
    <div className="empty-hint" aria-hidden="true">
      <p className="empty-title">Your board is ready</p>
      <p>
        Pick a tool above, or press <kbd>P</kbd> to draw, <kbd>R</kbd> for a rectangle, <kbd>T</kbd>{' '}
        for text.
      </p>
      <p>Share the link to draw together, live.</p>
    </div>
  );
}
