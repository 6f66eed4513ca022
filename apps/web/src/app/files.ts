import {
  BOARD_FILE_EXTENSION,
  BoardFileError,
  parseBoard,
  type Shape,
  serializeBoard,
} from '@drawbridge/board';
import type { Editor } from '../canvas/Editor.js';

/** A file name from the board name, without characters file systems refuse. */
export function fileName(boardName: string, extension: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  const base = boardName.replace(/[\u0000-\u001f\\/:*?"<>|]+/g, '-').trim() || 'board';
  return `${base}${extension}`;
}

/** Starts a download through a temporary `<a download>`. */
export function download(data: Blob | string, name: string, type: string): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by now; keep the URL a little for slow browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** What to export: the selection if there is one, else the whole board, in paint order. */
export const exportedShapes = (editor: Editor): readonly Shape[] =>
  editor.selection.length > 0 ? editor.selectedShapes() : editor.store.all();

export const boardFile = (editor: Editor): string =>
  serializeBoard(editor.model.name, editor.store.all(), editor.model.bindings());

export const BOARD_FILE_NAME_EXTENSION = BOARD_FILE_EXTENSION;

/**
 * Adds a board file's shapes to the board as one undo step. Returns the number added, or
 * throws a BoardFileError with a message for the user.
 */
export async function importBoardFile(file: File, editor: Editor): Promise<number> {
  const text = await file.text().catch(() => {
    throw new BoardFileError('This file could not be read.');
  });
  const board = parseBoard(text);
  if (board.shapes.length === 0) throw new BoardFileError('This board file has no shapes.');
  const ids = editor.commands.insert(board.shapes, undefined, board.bindings);
  const bounds = editor.selectionBox();
  const view = editor.camera.viewportBounds();
  if (
    bounds &&
    (bounds.x + bounds.w < view.x ||
      bounds.x > view.x + view.w ||
      bounds.y + bounds.h < view.y ||
      bounds.y > view.y + view.h)
  ) {
    editor.camera.fit(bounds);
  }
  return ids.length;
}
