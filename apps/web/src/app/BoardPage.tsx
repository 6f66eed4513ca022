import { useState } from 'react';
import type { TextMeasurer } from '../canvas/render/TextMeasurer.js';
import { useVersionView } from '../history/useVersionView.js';
import { AccessDenied, ViewOnlyBadge } from '../ui/Access.js';
import { BoardName } from '../ui/BoardName.js';
import { BoardOverlays } from '../ui/BoardOverlays.js';
import { CanvasView } from '../ui/CanvasView.js';
import { EmptyHint } from '../ui/EmptyHint.js';
import { FileActions } from '../ui/FileActions.js';
import { PresentButton } from '../ui/FollowBanner.js';
import { HistoryPanel, versionTime } from '../ui/HistoryPanel.js';
import { PeopleList, UserName } from '../ui/People.js';
import { RemoteCursors } from '../ui/RemoteCursors.js';
import { StatusBadge } from '../ui/StatusBadge.js';
import { StylePanel } from '../ui/StylePanel.js';
import { TextEditorOverlay } from '../ui/TextEditorOverlay.js';
import { Toasts } from '../ui/Toasts.js';
import { Toolbar } from '../ui/Toolbar.js';
import { HelpButton, ShareButton, ThemeToggle } from '../ui/TopBarButtons.js';
import { VersionBanner } from '../ui/VersionBanner.js';
import { HistoryButton, HistoryControls, ZoomControls } from '../ui/ViewControls.js';
import type { Preferences } from './Preferences.js';
import type { ToastStore } from './ToastStore.js';
import { useAccess } from './useAccess.js';
import { useBoard } from './useBoard.js';
import { useBoardUi } from './useBoardUi.js';
import { useClipboard } from './useClipboard.js';
import { useRecentBoard } from './useRecentBoard.js';
import { useShortcuts } from './useShortcuts.js';
import { useTheme } from './useTheme.js';

interface Props {
  boardId: string;
  /** The link's capability token (`#token=...`), if any. */
  token: string | null;
  prefs: Preferences;
  toasts: ToastStore;
  measurer: TextMeasurer;
}

/**
 * One board: the canvas and every panel around it. A viewer's link makes it read-only (no
 * drawing tools, style panel, undo, import or renaming; pan, zoom, presence, export and
 * browsing versions stay); a link the server refuses shows why instead of the board. While a
 * version is shown, the canvas shows it read-only and the editing panels step aside.
 */
export function BoardPage({ boardId, token, prefs, toasts, measurer }: Props) {
  const { theme, toggle } = useTheme(prefs);
  const board = useBoard(boardId, prefs, measurer, token, (message, kind) =>
    toasts.show(message, kind),
  );
  const { readonly, denied } = useAccess(board, { token });
  const [historyOpen, setHistoryOpen] = useState(false);
  const versions = useVersionView(
    boardId,
    token,
    measurer.measure,
    () => board?.editor.camera ?? null,
    (message) => toasts.show(message, 'error'),
  );
  const view = versions.view;
  const editor = view ? null : (board?.editor ?? null);
  const ui = useBoardUi();
  useShortcuts(editor, ui);
  useClipboard(editor, board?.images ?? null);
  useRecentBoard(board, token);

  if (!board) {
    return (
      <div className="loading" role="status">
        <span className="spinner" aria-hidden="true" />
        Opening board…
      </div>
    );
  }
  if (denied) return <AccessDenied error={denied} hasToken={token !== null} />;
  const { session, renderer, exporter, follow, carets } = board;
  const restore = () => {
    if (!view) return;
    const at = versionTime(view.listing.createdAt);
    session.model.restore(view.doc);
    versions.close();
    toasts.show(`Restored the board as it was on ${at}. Undo (Ctrl+Z) reverts it.`);
  };
  const toggleHistory = () => {
    if (historyOpen) versions.close();
    setHistoryOpen(!historyOpen);
  };

  return (
    <div className={`board${readonly || view ? ' board-readonly' : ''}`}>
      <CanvasView
        editor={view?.editor ?? board.editor}
        renderer={renderer}
        theme={theme}
        onMenu={view ? () => {} : ui.openMenu}
        {...(readonly || view
          ? {}
          : { onDropFiles: (files, at) => void board.images.insert(files, at) })}
      />
      {!view && (
        <>
          <EmptyHint editor={board.editor} variant={readonly ? 'view' : 'app'} />
          <RemoteCursors presence={session.presence} editor={board.editor} />
          <TextEditorOverlay editor={board.editor} theme={theme} carets={carets} />
          <BoardOverlays
            editor={board.editor}
            ui={ui}
            follow={follow}
            presence={session.presence}
          />
        </>
      )}

      <div className="corner corner-top-left">
        <BoardName model={session.model} readonly={readonly || view !== null} />
        {!readonly && !view && <StylePanel editor={board.editor} />}
      </div>
      <div className="top-center">
        {view ? (
          <VersionBanner
            listing={view.listing}
            canRestore={!readonly}
            onRestore={restore}
            onBack={versions.close}
          />
        ) : (
          <Toolbar editor={board.editor} readonly={readonly} />
        )}
      </div>
      <div className="corner corner-top-right">
        <div className="presence-bar panel">
          <PeopleList presence={session.presence} follow={follow} />
          <PresentButton presence={session.presence} />
          <UserName prefs={prefs} />
          <ShareButton toasts={toasts} readonly={readonly} />
          <ThemeToggle theme={theme} onToggle={toggle} />
        </div>
        <div className="status-row">
          {readonly && <ViewOnlyBadge />}
          <StatusBadge connection={session.connection} readonly={readonly} />
        </div>
        {historyOpen && (
          <HistoryPanel
            boardId={boardId}
            token={token}
            viewing={view?.listing.versionId ?? null}
            opening={versions.opening}
            onOpen={(listing) => void versions.open(listing)}
            onClose={toggleHistory}
          />
        )}
      </div>
      <div className="corner corner-bottom-left">
        <ZoomControls editor={view?.editor ?? board.editor} />
        <HelpButton onClick={ui.openHelp} />
        {!readonly && !view && <HistoryControls editor={board.editor} />}
        <HistoryButton open={historyOpen} onToggle={toggleHistory} />
      </div>
      <div className="corner corner-bottom-right">
        <FileActions
          editor={board.editor}
          exporter={exporter}
          toasts={toasts}
          readonly={readonly}
          images={board.images}
        />
      </div>
      <Toasts store={toasts} />
    </div>
  );
}
