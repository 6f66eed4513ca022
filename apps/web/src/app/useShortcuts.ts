import { useEffect } from 'react';
import { isTyping } from '../canvas/CanvasController.js';
import type { Editor } from '../canvas/Editor.js';
import { type Command, resolveShortcut } from './shortcuts.js';

export function runCommand(editor: Editor, command: Command): void {
  const { commands } = editor;
  switch (command.type) {
    case 'tool':
      editor.setTool(command.tool);
      return;
    case 'nudge':
      commands.nudge(command.dx, command.dy);
      return;
    case 'undo':
      editor.undo();
      return;
    case 'redo':
      editor.redo();
      return;
    case 'delete':
      commands.deleteSelection();
      return;
    case 'duplicate':
      commands.duplicate();
      return;
    case 'selectAll':
      editor.selectAll();
      return;
    case 'bringToFront':
      commands.bringToFront();
      return;
    case 'sendToBack':
      commands.sendToBack();
      return;
    case 'zoomIn':
      commands.zoomIn(pointerOnScreen(editor));
      return;
    case 'zoomOut':
      commands.zoomOut(pointerOnScreen(editor));
      return;
    case 'zoomFit':
      commands.zoomToFit();
      return;
    case 'resetZoom':
      commands.resetZoom();
      return;
    case 'toggleLock':
      editor.toggleToolLock();
      return;
    case 'edit':
      commands.editSelected();
      return;
    case 'escape':
      if (editor.live.active || editor.marquee) editor.cancelGesture();
      else if (editor.selection.length > 0) editor.select([]);
      else editor.setTool('select');
      return;
  }
}

/** Keyboard zoom anchors at the pointer when it is over the board. */
const pointerOnScreen = (editor: Editor) =>
  editor.pointer ? editor.camera.boardToScreen(editor.pointer) : undefined;

/** Board shortcuts on the window; never while typing in a field or editing text. */
export function useShortcuts(editor: Editor | null): void {
  useEffect(() => {
    if (!editor) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing || isTyping(e.target) || editor.state.editing) {
        return;
      }
      const command = resolveShortcut(e);
      if (!command) return;
      // Enter on a focused button or link activates it, as keyboard users expect.
      const target = e.target as HTMLElement | null;
      if (command.type === 'edit' && target?.closest?.('button, a, label')) return;
      e.preventDefault();
      runCommand(editor, command);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [editor]);
}
