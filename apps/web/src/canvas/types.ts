import type { StickyShape, TextShape } from '@drawbridge/board';

export const TOOL_IDS = [
  'select',
  'hand',
  'pen',
  'rect',
  'ellipse',
  'line',
  'arrow',
  'text',
  'sticky',
  'eraser',
] as const;
export type ToolId = (typeof TOOL_IDS)[number];

/** Tools that stay active after use; the others hand back to select (unless locked). */
export const STICKY_TOOLS: ReadonlySet<ToolId> = new Set<ToolId>([
  'select',
  'hand',
  'pen',
  'eraser',
]);

/**
 * A pointer event in board coordinates: what tools consume, so they can be driven by tests
 * without a DOM.
 */
export interface PointerInput {
  x: number;
  y: number;
  /** 0..1; 0.5 when the device does not report pressure. */
  pressure: number;
  shiftKey: boolean;
  /** 0 primary, 1 middle, 2 secondary. */
  button: number;
}

export interface Style {
  stroke: string;
  fill: string;
  strokeWidth: number;
  fontSize: number;
}

/** Text being edited in place: an existing shape, or a draft that exists only once committed. */
export interface TextEditing {
  shape: TextShape | StickyShape;
  isNew: boolean;
}

/** What the UI renders from; replaced (never mutated) on every change. */
export interface EditorState {
  tool: ToolId;
  /** Keep the current tool after drawing instead of returning to select. */
  toolLocked: boolean;
  selection: readonly string[];
  style: Style;
  editing: TextEditing | null;
  canUndo: boolean;
  canRedo: boolean;
  /** View only (a viewer's link, or an embed with `readonly`): no tool may change the board. */
  readonly: boolean;
}

/** The tools a read-only board keeps: they look and move the view, never change the board. */
export const VIEW_TOOLS: ReadonlySet<ToolId> = new Set<ToolId>(['select', 'hand']);
