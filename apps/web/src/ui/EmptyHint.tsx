import { useCallback, useSyncExternalStore } from 'react';
import type { Editor } from '../canvas/Editor.js';
import { useEditorState } from './hooks.js';

/**
 * A word of welcome on an empty board, gone with the first shape. `view`: the board is read-only;
 * `embed`: an editable embed, which has no link to share.
 */
export function EmptyHint({
  editor,
  variant = 'app',
}: {
  editor: Editor;
  variant?: 'app' | 'embed' | 'view';
}) {
  const subscribe = useCallback((notify: () => void) => editor.store.subscribe(notify), [editor]);
  const empty = useSyncExternalStore(subscribe, () => editor.store.size === 0);
  const { editing } = useEditorState(editor);
  if (!empty || editing) return null;
  if (variant === 'view') {
    return (
      <div className="empty-hint" aria-hidden="true">
        <p className="empty-title">Nothing here yet</p>
        <p>What is drawn on this board will appear here, live.</p>
      </div>
    );
  }
  if (variant === 'embed') {
    return (
      <div className="empty-hint" aria-hidden="true">
        <p>
          Pick a tool, or press <kbd>P</kbd> to draw.
        </p>
      </div>
    );
  }
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
