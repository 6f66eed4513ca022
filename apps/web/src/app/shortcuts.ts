import type { ToolId } from '../canvas/types.js';

export type Command =
  | { type: 'tool'; tool: ToolId }
  | { type: 'nudge'; dx: number; dy: number }
  | {
      type:
        | 'undo'
        | 'redo'
        | 'delete'
        | 'duplicate'
        | 'selectAll'
        | 'bringToFront'
        | 'sendToBack'
        | 'zoomIn'
        | 'zoomOut'
        | 'zoomFit'
        | 'resetZoom'
        | 'escape'
        | 'edit'
        | 'toggleLock';
    };

export interface KeyLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** Single-letter tool shortcuts, also shown in the toolbar. */
export const TOOL_KEYS: Record<ToolId, string> = {
  select: 'V',
  hand: 'H',
  pen: 'P',
  rect: 'R',
  ellipse: 'O',
  line: 'L',
  arrow: 'A',
  text: 'T',
  sticky: 'S',
  eraser: 'E',
};

const TOOL_BY_KEY = new Map(
  Object.entries(TOOL_KEYS).map(([tool, key]) => [key.toLowerCase(), tool as ToolId]),
);

const simple = (type: Extract<Command, { type: string }>['type']): Command => ({ type }) as Command;

/**
 * The command a key press means on the board, or null. Copy, cut and paste are not here:
 * they go through the clipboard events, which carry the system clipboard.
 */
export function resolveShortcut(e: KeyLike): Command | null {
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (e.ctrlKey || e.metaKey) {
    if (e.altKey) return null;
    if (key === 'z') return simple(e.shiftKey ? 'redo' : 'undo');
    if (key === 'y') return simple('redo');
    if (key === 'd') return simple('duplicate');
    if (key === 'a') return simple('selectAll');
    if (key === ']' || e.code === 'BracketRight') return simple('bringToFront');
    if (key === '[' || e.code === 'BracketLeft') return simple('sendToBack');
    if (key === '=' || key === '+') return simple('zoomIn');
    if (key === '-') return simple('zoomOut');
    if (key === '0') return simple('resetZoom');
    return null;
  }
  if (e.altKey) return null;
  if (e.shiftKey && (e.code === 'Digit1' || key === '!')) return simple('zoomFit');
  if (e.shiftKey && (e.code === 'Digit0' || key === ')')) return simple('resetZoom');
  const step = e.shiftKey ? 10 : 1;
  switch (key) {
    case '+':
    case '=':
      return simple('zoomIn');
    case '-':
    case '_':
      return simple('zoomOut');
    case 'Delete':
    case 'Backspace':
      return simple('delete');
    case 'Escape':
      return simple('escape');
    case 'Enter':
      return simple('edit');
    case 'ArrowLeft':
      return { type: 'nudge', dx: -step, dy: 0 };
    case 'ArrowRight':
      return { type: 'nudge', dx: step, dy: 0 };
    case 'ArrowUp':
      return { type: 'nudge', dx: 0, dy: -step };
    case 'ArrowDown':
      return { type: 'nudge', dx: 0, dy: step };
  }
  if (e.shiftKey) return null;
  if (key === 'q') return simple('toggleLock');
  const tool = TOOL_BY_KEY.get(key);
  return tool ? { type: 'tool', tool } : null;
}
