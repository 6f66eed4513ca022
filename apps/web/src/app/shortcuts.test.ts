import { describe, expect, it } from 'vitest';
import { TOOLS } from '../canvas/tools/registry.js';
import { type KeyLike, resolveShortcut, SHORTCUTS } from './shortcuts.js';

const key = (k: string, extra: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  code: '',
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...extra,
});

describe('resolveShortcut', () => {
  it('maps tool letters, in either case, without modifiers', () => {
    expect(resolveShortcut(key('v'))).toEqual({ type: 'tool', tool: 'select' });
    expect(resolveShortcut(key('R'))).toEqual({ type: 'tool', tool: 'rect' });
    expect(resolveShortcut(key('o'))).toEqual({ type: 'tool', tool: 'ellipse' });
    expect(resolveShortcut(key('e'))).toEqual({ type: 'tool', tool: 'eraser' });
    expect(resolveShortcut(key('r', { altKey: true }))).toBeNull();
  });

  it('maps undo and redo on Ctrl and Cmd', () => {
    expect(resolveShortcut(key('z', { ctrlKey: true }))).toEqual({ type: 'undo' });
    expect(resolveShortcut(key('Z', { metaKey: true, shiftKey: true }))).toEqual({ type: 'redo' });
    expect(resolveShortcut(key('y', { ctrlKey: true }))).toEqual({ type: 'redo' });
  });

  it('maps editing and ordering', () => {
    expect(resolveShortcut(key('Delete'))).toEqual({ type: 'delete' });
    expect(resolveShortcut(key('Backspace'))).toEqual({ type: 'delete' });
    expect(resolveShortcut(key('d', { ctrlKey: true }))).toEqual({ type: 'duplicate' });
    expect(resolveShortcut(key(']', { ctrlKey: true }))).toEqual({ type: 'bringToFront' });
    expect(resolveShortcut(key('[', { metaKey: true }))).toEqual({ type: 'sendToBack' });
    expect(resolveShortcut(key('ArrowLeft', { shiftKey: true }))).toEqual({
      type: 'nudge',
      dx: -10,
      dy: 0,
    });
  });

  it('maps zoom keys, including Shift+1 on any layout', () => {
    expect(resolveShortcut(key('+', { shiftKey: true }))).toEqual({ type: 'zoomIn' });
    expect(resolveShortcut(key('='))).toEqual({ type: 'zoomIn' });
    expect(resolveShortcut(key('-'))).toEqual({ type: 'zoomOut' });
    expect(resolveShortcut(key('!', { shiftKey: true, code: 'Digit1' }))).toEqual({
      type: 'zoomFit',
    });
    expect(resolveShortcut(key('c', { ctrlKey: true }))).toBeNull();
  });
});

describe('shortcut table', () => {
  it('maps the new tools, grouping, locking, find and help', () => {
    expect(resolveShortcut(key('d'))).toEqual({ type: 'tool', tool: 'diamond' });
    expect(resolveShortcut(key('k'))).toEqual({ type: 'tool', tool: 'laser' });
    expect(resolveShortcut(key('g', { ctrlKey: true }))).toEqual({ type: 'group' });
    expect(resolveShortcut(key('G', { ctrlKey: true, shiftKey: true }))).toEqual({
      type: 'ungroup',
    });
    expect(resolveShortcut(key('L', { metaKey: true, shiftKey: true }))).toEqual({
      type: 'lockShapes',
    });
    expect(resolveShortcut(key('f', { ctrlKey: true }))).toEqual({ type: 'find' });
    expect(resolveShortcut(key('?', { shiftKey: true }))).toEqual({ type: 'help' });
  });

  it('lists every tool of the registry once, with its key', () => {
    const tools = SHORTCUTS.filter((s) => s.command?.type === 'tool');
    expect(tools.map((s) => s.keys)).toEqual(TOOLS.map((t) => t.key));
    expect(new Set(SHORTCUTS.map((s) => `${s.keys}|${s.label}`)).size).toBe(SHORTCUTS.length);
  });
});
