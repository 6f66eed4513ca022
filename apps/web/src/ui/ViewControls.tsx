import type { Editor } from '../canvas/Editor.js';
import { useEditorState, useZoom } from './hooks.js';
import { Icon, type IconName } from './Icon.js';

function IconButton(props: {
  testId: string;
  icon: IconName;
  label: string;
  disabled?: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      className="icon-button"
      data-testid={props.testId}
      aria-label={props.label}
      title={props.label}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      <Icon name={props.icon} size={18} />
    </button>
  );
}

/** Zoom out / level (click for 100%) / in / fit. */
export function ZoomControls({ editor }: { editor: Editor }) {
  const zoom = useZoom(editor);
  const { commands } = editor;
  return (
    <fieldset className="button-group panel">
      <legend className="visually-hidden">Zoom</legend>
      <IconButton
        testId="zoom-out"
        icon="minus"
        label="Zoom out (-)"
        onClick={() => commands.zoomOut()}
      />
      <button
        type="button"
        className="zoom-level"
        title="Reset zoom to 100% (Shift+0)"
        aria-label={`Zoom ${Math.round(zoom * 100)}%, reset to 100%`}
        onClick={() => commands.resetZoom()}
      >
        {Math.round(zoom * 100)}%
      </button>
      <IconButton
        testId="zoom-in"
        icon="plus"
        label="Zoom in (+)"
        onClick={() => commands.zoomIn()}
      />
      <IconButton
        testId="zoom-fit"
        icon="fit"
        label="Zoom to fit (Shift+1)"
        onClick={() => commands.zoomToFit()}
      />
    </fieldset>
  );
}

export function HistoryControls({ editor }: { editor: Editor }) {
  const { canUndo, canRedo } = useEditorState(editor);
  return (
    <fieldset className="button-group panel">
      <legend className="visually-hidden">History</legend>
      <IconButton
        testId="undo"
        icon="undo"
        label="Undo (Ctrl+Z)"
        disabled={!canUndo}
        onClick={() => editor.undo()}
      />
      <IconButton
        testId="redo"
        icon="redo"
        label="Redo (Ctrl+Shift+Z)"
        disabled={!canRedo}
        onClick={() => editor.redo()}
      />
    </fieldset>
  );
}

/** Opens (or closes) the board's version history. */
export function HistoryButton({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  return (
    <fieldset className="button-group panel">
      <legend className="visually-hidden">Versions</legend>
      <button
        type="button"
        className="icon-button"
        data-testid="history"
        aria-label="Version history"
        aria-pressed={open}
        title="Version history"
        onClick={onToggle}
      >
        <Icon name="history" size={18} />
      </button>
    </fieldset>
  );
}
