import type { EmbedTheme } from '@drawbridge/protocol';
import { useEffect, useState } from 'react';
import type { TextMeasurer } from '../canvas/render/TextMeasurer.js';
import type { BoardSession } from '../collab/BoardSession.js';
import { createEmbedBridge, type EmbedBridge } from '../embed/EmbedBridge.js';
import { AccessDenied } from '../ui/Access.js';
import { BoardOverlays } from '../ui/BoardOverlays.js';
import { CanvasView } from '../ui/CanvasView.js';
import { EmptyHint } from '../ui/EmptyHint.js';
import { RemoteCursors } from '../ui/RemoteCursors.js';
import { StatusBadge } from '../ui/StatusBadge.js';
import { StylePanel } from '../ui/StylePanel.js';
import { TextEditorOverlay } from '../ui/TextEditorOverlay.js';
import { Toolbar } from '../ui/Toolbar.js';
import { HistoryControls, ZoomControls } from '../ui/ViewControls.js';
import type { Preferences, ThemePreference } from './Preferences.js';
import type { EmbedOptions } from './routes.js';
import { type Access, useAccess } from './useAccess.js';
import { type OpenBoard, useBoard } from './useBoard.js';
import { useBoardUi } from './useBoardUi.js';
import { useClipboard } from './useClipboard.js';
import { useShortcuts } from './useShortcuts.js';
import { useTheme } from './useTheme.js';

interface Props {
  boardId: string;
  token: string | null;
  options: EmbedOptions;
  prefs: Preferences;
  measurer: TextMeasurer;
}

/**
 * `/embed/<id>`: the board without the app's chrome, for iframes. Editors get the toolbar and
 * style panel (unless `toolbar=0`); viewers (or `readonly`) get the board to look at, pan and
 * zoom. A compact dot shows the connection. When framed, the postMessage bridge talks to the
 * host page (see embed/EmbedBridge.ts).
 */
export function EmbedPage({ boardId, token, options, prefs, measurer }: Props) {
  const [themeOverride, setThemeOverride] = useState<ThemePreference | null>(options.theme);
  const { theme } = useTheme(prefs, themeOverride);
  const board = useBoard(boardId, prefs, measurer, token);
  const access = useAccess(board, { token, forceReadonly: options.readonly });
  const editor = board?.editor ?? null;
  const ui = useBoardUi();
  useShortcuts(editor, ui);
  useClipboard(editor, board?.images ?? null);
  useFitOnLoad(board, options.fit);
  useBridge(board, access, boardId, setThemeOverride);

  if (!board) {
    return (
      <div className="loading embed-loading" role="status">
        <span className="spinner" aria-hidden="true" />
        <span className="visually-hidden">Opening board…</span>
      </div>
    );
  }
  if (access.denied)
    return <AccessDenied error={access.denied} hasToken={token !== null} compact />;
  const { session, renderer, follow, carets } = board;
  const readonly = access.readonly;
  const tools = options.toolbar && !readonly;
  return (
    <div
      className={`board embed${readonly ? ' board-readonly' : ''}${tools ? ' embed-tools' : ''}`}
    >
      <CanvasView
        editor={board.editor}
        renderer={renderer}
        theme={theme}
        grid={options.grid}
        onMenu={ui.openMenu}
        {...(readonly ? {} : { onDropFiles: (files, at) => void board.images.insert(files, at) })}
      />
      <EmptyHint editor={board.editor} variant={readonly ? 'view' : 'embed'} />
      <RemoteCursors presence={session.presence} editor={board.editor} />
      <TextEditorOverlay editor={board.editor} theme={theme} carets={carets} />
      <BoardOverlays editor={board.editor} ui={ui} follow={follow} presence={session.presence} />

      {tools && (
        <>
          <div className="top-center">
            <Toolbar editor={board.editor} />
          </div>
          <div className="corner corner-top-left">
            <StylePanel editor={board.editor} />
          </div>
        </>
      )}
      <div className="corner corner-top-right">
        <StatusBadge connection={session.connection} compact readonly={readonly} />
      </div>
      <div className="corner corner-bottom-left">
        <ZoomControls editor={board.editor} />
        {tools && <HistoryControls editor={board.editor} />}
      </div>
    </div>
  );
}

/**
 * `fit`: once the first join has brought the server's content, zoom to fit it, once. An empty
 * board keeps the default view.
 */
function useFitOnLoad(board: OpenBoard | null, fit: boolean): void {
  useEffect(() => {
    if (!board || !fit) return;
    const { provider } = board.session;
    const { editor } = board;
    let done = false;
    let offCamera: (() => void) | null = null;
    const fitNow = () => {
      if (editor.store.size > 0) editor.commands.zoomToFit();
    };
    const attempt = () => {
      if (done || !provider.state.synced) return;
      done = true;
      offProvider();
      // The canvas may not be laid out yet (a hidden iframe): fit once it has a size.
      if (editor.camera.width > 0 && editor.camera.height > 0) {
        fitNow();
        return;
      }
      offCamera = editor.cameraChanged.subscribe(() => {
        if (editor.camera.width === 0 || editor.camera.height === 0) return;
        offCamera?.();
        offCamera = null;
        fitNow();
      });
    };
    const offProvider = provider.subscribe(attempt);
    attempt();
    return () => {
      done = true;
      offProvider();
      offCamera?.();
    };
  }, [board, fit]);
}

/** The embed API status for the host, from what the status dot shows. */
function statusOf(session: BoardSession) {
  const view = session.connection.view;
  return {
    connection: view.status,
    unsaved: view.unsaved,
    saved: view.unsaved === 0,
    role: session.provider.state.role,
  };
}

/** The postMessage bridge to the host page, when framed. */
function useBridge(
  board: OpenBoard | null,
  access: Access,
  boardId: string,
  setTheme: (theme: EmbedTheme) => void,
): void {
  const [bridge, setBridge] = useState<EmbedBridge | null>(null);
  useEffect(() => {
    const created = createEmbedBridge(window, document);
    setBridge(created);
    return () => created?.destroy();
  }, []);

  // Status: on every connection, saved or role change.
  useEffect(() => {
    if (!bridge || !board) return;
    const { session } = board;
    const send = () => bridge.status(statusOf(session));
    send();
    const offConnection = session.connection.changed.subscribe(send);
    const offProvider = session.provider.subscribe(send);
    return () => {
      offConnection();
      offProvider();
    };
  }, [bridge, board]);

  // The board failed for good (a refused link, most often).
  const failure = access.failure;
  useEffect(() => {
    if (bridge && failure) bridge.fail(failure);
  }, [bridge, failure]);

  // Ready once the board is shown with what the server has (or offline, with the local copy).
  const { state, readonly } = access;
  const offline =
    state?.status === 'offline' || board?.session.connection.view.status === 'offline';
  const shown = Boolean(board && state && !failure && (state.synced || offline));
  useEffect(() => {
    if (!bridge || !board || !shown) return;
    const { editor, exporter, session } = board;
    bridge.ready(
      { boardId, readonly },
      {
        zoomToFit: () => editor.commands.zoomToFit(),
        setTheme,
        exportPng: () => exporter.boardPng(),
        describe: () => ({ shapes: editor.store.size, name: session.model.name }),
      },
    );
  }, [bridge, board, shown, boardId, readonly, setTheme]);

  // Changes, throttled by the bridge (which waits for ready).
  useEffect(() => {
    if (!bridge || !board) return;
    return board.session.model.observe(() => bridge.boardChanged());
  }, [bridge, board]);
}
