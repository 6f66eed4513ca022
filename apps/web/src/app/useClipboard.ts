import { useEffect } from 'react';
import { isTyping } from '../canvas/CanvasController.js';
import type { Editor } from '../canvas/Editor.js';
import type { ImageInserter } from '../images/ImageInserter.js';

/**
 * Copy, cut and paste through the system clipboard as text, so shapes travel between boards,
 * tabs and browsers; pasted picture files become images. The clipboard events carry the data
 * without asking for permissions; fields keep their own copy and paste.
 */
export function useClipboard(editor: Editor | null, images: ImageInserter | null = null): void {
  useEffect(() => {
    if (!editor) return;
    const ignore = (e: ClipboardEvent) => isTyping(e.target) || editor.state.editing !== null;
    const onCopy = (e: ClipboardEvent) => {
      if (ignore(e)) return;
      const text = e.type === 'cut' ? editor.commands.cut() : editor.commands.copy();
      if (!text || !e.clipboardData) return;
      e.clipboardData.setData('text/plain', text);
      e.preventDefault();
    };
    const onPaste = (e: ClipboardEvent) => {
      if (ignore(e)) return;
      const files = [...(e.clipboardData?.files ?? [])];
      if (files.length > 0 && images) {
        e.preventDefault();
        const at = editor.pointer ?? undefined;
        void images.insert(files, at);
        return;
      }
      const text = e.clipboardData?.getData('text/plain') ?? '';
      if (editor.commands.paste(text)) {
        e.preventDefault();
        // Images pasted from another board: this board owes the server their pictures.
        void images?.adopt(editor.selectedShapes());
      }
    };
    document.addEventListener('copy', onCopy);
    document.addEventListener('cut', onCopy);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('cut', onCopy);
      document.removeEventListener('paste', onPaste);
    };
  }, [editor, images]);
}
