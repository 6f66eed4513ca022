import { TOOLS, type ToolId } from '../canvas/tools/registry.js';

export type SimpleCommand =
  | 'undo'
  | 'redo'
  | 'delete'
  | 'duplicate'
  | 'selectAll'
  | 'bringToFront'
  | 'sendToBack'
  | 'group'
  | 'ungroup'
  | 'lockShapes'
  | 'zoomIn'
  | 'zoomOut'
  | 'zoomFit'
  | 'resetZoom'
  | 'escape'
  | 'edit'
  | 'toggleLock'
  | 'find'
  | 'help';

export type Command =
  | { type: 'tool'; tool: ToolId }
  | { type: 'nudge'; dx: number; dy: number }
  | { type: SimpleCommand };

export interface KeyLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** One keyboard shortcut: how it reads in the help dialog, and when it applies. */
export interface Shortcut {
  keys: string;
  label: string;
  section: 'Tools' | 'Edit' | 'Arrange' | 'View';
  /** Null for modifiers that only change a gesture (listed in the help all the same). */
  command: Command | null;
  /** `key` is the event's key, lower-cased when it is one character. */
  match(e: KeyLike, key: string): boolean;
}

const mod = (e: KeyLike) => e.ctrlKey || e.metaKey;

/** Ctrl/Cmd (+ Shift when `shift`) and one of `keys` (or key codes). */
const withMod =
  (shift: boolean | null, ...keys: string[]) =>
  (e: KeyLike, key: string) =>
    mod(e) &&
    !e.altKey &&
    (shift === null || e.shiftKey === shift) &&
    keys.some((k) => k === key || k === e.code);

/** One of `keys` with no Ctrl, Cmd or Alt (Shift as given, or either). */
const bare =
  (shift: boolean | null, ...keys: string[]) =>
  (e: KeyLike, key: string) =>
    !mod(e) &&
    !e.altKey &&
    (shift === null || e.shiftKey === shift) &&
    keys.some((k) => k === key || k === e.code);

const simple = (type: SimpleCommand) => ({ type }) as Command;

const nudge = (label: string, name: string, glyph: string, dx: number, dy: number): Shortcut[] => [
  {
    keys: glyph,
    label,
    section: 'Arrange',
    command: { type: 'nudge', dx, dy },
    match: bare(false, name),
  },
  {
    keys: `Shift+${glyph}`,
    label: `${label} by 10`,
    section: 'Arrange',
    command: { type: 'nudge', dx: dx * 10, dy: dy * 10 },
    match: bare(true, name),
  },
];

/**
 * Every shortcut, in the order the help dialog lists them; the first match wins. Copy, cut and
 * paste are not here: they go through the clipboard events, which carry the system clipboard.
 */
export const SHORTCUTS: readonly Shortcut[] = [
  ...TOOLS.map(
    (tool): Shortcut => ({
      keys: tool.key,
      label: tool.label,
      section: 'Tools',
      command: { type: 'tool', tool: tool.id },
      match: bare(false, tool.key.toLowerCase()),
    }),
  ),
  {
    keys: 'Q',
    label: 'Keep the tool after drawing',
    section: 'Tools',
    command: simple('toggleLock'),
    match: bare(false, 'q'),
  },
  {
    keys: 'Ctrl+Z',
    label: 'Undo',
    section: 'Edit',
    command: simple('undo'),
    match: withMod(false, 'z'),
  },
  {
    keys: 'Ctrl+Shift+Z',
    label: 'Redo',
    section: 'Edit',
    command: simple('redo'),
    match: withMod(true, 'z'),
  },
  {
    keys: 'Ctrl+Y',
    label: 'Redo',
    section: 'Edit',
    command: simple('redo'),
    match: withMod(null, 'y'),
  },
  {
    keys: 'Delete',
    label: 'Delete',
    section: 'Edit',
    command: simple('delete'),
    match: bare(null, 'Delete', 'Backspace'),
  },
  {
    keys: 'Ctrl+D',
    label: 'Duplicate',
    section: 'Edit',
    command: simple('duplicate'),
    match: withMod(null, 'd'),
  },
  {
    keys: 'Ctrl+A',
    label: 'Select all',
    section: 'Edit',
    command: simple('selectAll'),
    match: withMod(null, 'a'),
  },
  {
    keys: 'Enter',
    label: 'Edit text or label',
    section: 'Edit',
    command: simple('edit'),
    match: bare(null, 'Enter'),
  },
  {
    keys: 'Escape',
    label: 'Cancel, leave a group, deselect',
    section: 'Edit',
    command: simple('escape'),
    match: bare(null, 'Escape'),
  },
  {
    keys: 'Ctrl+F',
    label: 'Find text',
    section: 'Edit',
    command: simple('find'),
    match: withMod(false, 'f'),
  },
  {
    keys: 'Ctrl+G',
    label: 'Group',
    section: 'Arrange',
    command: simple('group'),
    match: withMod(false, 'g'),
  },
  {
    keys: 'Ctrl+Shift+G',
    label: 'Ungroup',
    section: 'Arrange',
    command: simple('ungroup'),
    match: withMod(true, 'g'),
  },
  {
    keys: 'Ctrl+Shift+L',
    label: 'Lock or unlock',
    section: 'Arrange',
    command: simple('lockShapes'),
    match: withMod(true, 'l'),
  },
  {
    keys: 'Ctrl+]',
    label: 'Bring to front',
    section: 'Arrange',
    command: simple('bringToFront'),
    match: withMod(null, ']', 'BracketRight'),
  },
  {
    keys: 'Ctrl+[',
    label: 'Send to back',
    section: 'Arrange',
    command: simple('sendToBack'),
    match: withMod(null, '[', 'BracketLeft'),
  },
  ...nudge('Move left', 'ArrowLeft', '←', -1, 0),
  ...nudge('Move right', 'ArrowRight', '→', 1, 0),
  ...nudge('Move up', 'ArrowUp', '↑', 0, -1),
  ...nudge('Move down', 'ArrowDown', '↓', 0, 1),
  {
    keys: 'Ctrl++',
    label: 'Zoom in',
    section: 'View',
    command: simple('zoomIn'),
    match: withMod(null, '=', '+'),
  },
  {
    keys: 'Ctrl+-',
    label: 'Zoom out',
    section: 'View',
    command: simple('zoomOut'),
    match: withMod(null, '-'),
  },
  {
    keys: 'Ctrl+0',
    label: 'Zoom to 100%',
    section: 'View',
    command: simple('resetZoom'),
    match: withMod(null, '0'),
  },
  {
    keys: 'Shift+1',
    label: 'Zoom to fit',
    section: 'View',
    command: simple('zoomFit'),
    match: bare(true, '!', 'Digit1'),
  },
  {
    keys: 'Shift+0',
    label: 'Zoom to 100%',
    section: 'View',
    command: simple('resetZoom'),
    match: bare(true, ')', 'Digit0'),
  },
  {
    keys: '+',
    label: 'Zoom in',
    section: 'View',
    command: simple('zoomIn'),
    match: bare(null, '+', '='),
  },
  {
    keys: '-',
    label: 'Zoom out',
    section: 'View',
    command: simple('zoomOut'),
    match: bare(null, '-', '_'),
  },
  {
    keys: '?',
    label: 'Show shortcuts',
    section: 'View',
    command: simple('help'),
    match: bare(null, '?'),
  },
  { keys: 'Space+drag', label: 'Pan', section: 'View', command: null, match: () => false },
  {
    keys: 'Shift',
    label: 'While drawing: square, 15° angles; while rotating: 15° steps',
    section: 'View',
    command: null,
    match: () => false,
  },
  {
    keys: 'Alt',
    label: 'While moving or resizing: no snapping',
    section: 'View',
    command: null,
    match: () => false,
  },
  {
    keys: 'Ctrl',
    label: 'While dropping an arrow end: do not connect',
    section: 'View',
    command: null,
    match: () => false,
  },
];

/** The command a key press means on the board, or null. */
export function resolveShortcut(e: KeyLike): Command | null {
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  return SHORTCUTS.find((shortcut) => shortcut.match(e, key))?.command ?? null;
}
