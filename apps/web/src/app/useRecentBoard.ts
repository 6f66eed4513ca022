import { useEffect } from 'react';
import { renderThumbnail } from '../canvas/thumbnail.js';
import { RecentBoards } from '../home/RecentBoards.js';
import type { OpenBoard } from './useBoard.js';

/** A thumbnail is redrawn this long after the board last changed. */
const THUMBNAIL_DELAY_MS = 1000;

/**
 * Keeps this board in the browser's list of boards (the home page): the visit when it opens,
 * its name as it changes, and a thumbnail shortly after each change and when the page goes.
 */
export function useRecentBoard(board: OpenBoard | null, token: string | null): void {
  useEffect(() => {
    if (!board) return;
    const recent = new RecentBoards();
    const { session, editor, renderer } = board;
    const boardId = session.boardId;
    let name = session.model.name;
    void recent.visit(boardId, token, Date.now()).then(() => recent.rename(boardId, name));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const snapshot = async () => {
      const shapes = editor.store.all();
      // Pictures first, so the thumbnail shows them (briefly: it is redrawn on the next change).
      await session.images.settle(
        shapes.flatMap((shape) => (shape.type === 'image' ? [shape.assetId] : [])),
        2000,
      );
      const thumbnail = await renderThumbnail(editor.store.all(), renderer).catch(() => null);
      if (thumbnail) await recent.setThumbnail(boardId, thumbnail);
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void snapshot(), THUMBNAIL_DELAY_MS);
    };
    const off = session.model.observe(() => {
      if (session.model.name !== name) {
        name = session.model.name;
        void recent.rename(boardId, name);
      }
      schedule();
    });
    const onHide = () => {
      if (document.visibilityState === 'hidden') void snapshot();
    };
    document.addEventListener('visibilitychange', onHide);
    schedule();
    return () => {
      off();
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onHide);
    };
  }, [board, token]);
}
