import { useEffect, useRef, useState } from 'react';
import { Editor } from '../canvas/Editor.js';
import { ShapeRenderer } from '../canvas/render/ShapeRenderer.js';
import type { TextMeasurer } from '../canvas/render/TextMeasurer.js';
import { BoardSession } from '../collab/BoardSession.js';
import { CaretSync } from '../collab/CaretSync.js';
import { FollowController } from '../collab/Follow.js';
import { ImageInserter } from '../images/ImageInserter.js';
import type { Preferences } from './Preferences.js';
import { connectPresence } from './presenceBridge.js';
import { createExporter, type Exporter, installTestHook } from './testHooks.js';

export interface OpenBoard {
  session: BoardSession;
  images: ImageInserter;
  editor: Editor;
  renderer: ShapeRenderer;
  exporter: Exporter;
  follow: FollowController;
  carets: CaretSync;
}

/**
 * Opens a board for as long as the component is mounted: the session (document, local copy,
 * connection, presence) and the editor over it, wired together. Null until the local copy has
 * loaded, which does not wait for the network. `token` is the link's capability token; a new
 * token reopens the board with it.
 */
export function useBoard(
  boardId: string,
  prefs: Preferences,
  measurer: TextMeasurer,
  token: string | null = null,
  notify: (message: string, kind?: 'error') => void = () => {},
) {
  const [board, setBoard] = useState<OpenBoard | null>(null);
  // The latest callback, without reopening the board when it changes.
  const notifyRef = useRef(notify);
  notifyRef.current = notify;

  useEffect(() => {
    let disposed = false;
    let cleanup: (() => void) | null = null;
    void BoardSession.open({
      boardId,
      user: prefs.user,
      storage: safeLocalStorage(),
      net: window,
      token,
      onImageRefused: (message) =>
        notifyRef.current(`An image could not be uploaded: ${message}`, 'error'),
    }).then((session) => {
      if (disposed) {
        session.destroy();
        return;
      }
      const editor = new Editor(session.model, { measure: measurer.measure });
      const renderer = new ShapeRenderer(measurer.measure, session.images);
      const offImages = session.images.changed.subscribe(() => editor.invalidate());
      const images = new ImageInserter({
        editor,
        loader: session.images,
        uploads: session.uploads,
        cache: session.imageCache,
        notify: (message, kind) => notifyRef.current(message, kind),
      });
      editor.images = images;
      const exporter = createExporter(editor, renderer, session.images);
      const offPresence = connectPresence(editor, session.presence);
      const follow = new FollowController(session.presence, editor.camera);
      const offFollow = editor.cameraChanged.subscribe(() => follow.cameraChanged());
      const carets = new CaretSync(session.presence);
      const offUser = prefs.changed.subscribe(() => {
        if (prefs.user !== session.presence.user) session.presence.setUser(prefs.user);
      });
      const removeHook = installTestHook(session, editor, exporter, follow);
      cleanup = () => {
        removeHook();
        offImages();
        offUser();
        offFollow();
        follow.destroy();
        carets.destroy();
        offPresence();
        editor.destroy();
        session.destroy();
      };
      setBoard({ session, images, editor, renderer, exporter, follow, carets });
    });
    return () => {
      disposed = true;
      cleanup?.();
      setBoard(null);
    };
  }, [boardId, prefs, measurer, token]);

  return board;
}

export function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
