import { useEffect, useRef } from 'react';
import { isTyping } from '../canvas/CanvasController.js';
import type { Editor } from '../canvas/Editor.js';
import { type Command, resolveShortcut } from './shortcuts.js';

/** What shortcuts open outside the canvas. */
export interface ShortcutUi {
  openFind(): void;
  openHelp(): void;
}

export function runCommand(editor: Editor, command: Command, ui?: ShortcutUi): void {
  const { commands, arrange } = editor;
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
    case 'group':
      arrange.group();
      return;
    case 'ungroup':
      arrange.ungroup();
      return;
    case 'lockShapes':
      arrange.setLocked(true);
      return;
    case 'find':
      ui?.openFind();
      return;
    case 'help':
      ui?.openHelp();
      return;
    case 'edit':
      commands.editSelected();
      return;
    case 'escape':
      if (editor.live.active || editor.overlay.marquee) editor.cancelGesture();
      else if (editor.exitGroup()) return;
      else if (editor.selection.length > 0) editor.select([]);
      else editor.setTool('select');
      return;
  }
}

/** Keyboard zoom anchors at the pointer when it is over the board. */
const pointerOnScreen = (editor: Editor) =>
  editor.pointer ? editor.camera.boardToScreen(editor.pointer) : undefined;

/**
 * Board shortcuts on the window; never while typing in a field or editing text (Ctrl+F and
 * `?` open their panels from anywhere but a field).
 */
export function useShortcuts(editor: Editor | null, ui?: ShortcutUi): void {
  const uiRef = useRef(ui);
  uiRef.current = ui;
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
      runCommand(editor, command, uiRef.current);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [editor]);
}
