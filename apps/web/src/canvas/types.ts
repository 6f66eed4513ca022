import type {
  Arrowhead,
  Bounds,
  Guide,
  Route,
  StickyShape,
  StrokeDash,
  TextAlign,
  TextShape,
} from '@drawbridge/board';
import type { ToolId } from './tools/registry.js';

export type { ToolId };

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
  /** Alt (Option): no snapping while moving or resizing. */
  altKey?: boolean;
  /** Ctrl or Cmd: place an arrow's end without binding it. */
  ctrlKey?: boolean;
  /** 0 primary, 1 middle, 2 secondary. */
  button: number;
}

export interface Style {
  stroke: string;
  fill: string;
  strokeWidth: number;
  fontSize: number;
  opacity: number;
  dash: StrokeDash;
  textAlign: TextAlign;
  startHead: Arrowhead;
  endHead: Arrowhead;
  route: Route;
}

/**
 * Text being edited in place: the text of a text or note, or the label of a box or segment.
 * A new text or note is a draft (not on the board) until it is committed.
 */
export interface TextEditing {
  shapeId: string;
  field: 'text' | 'label';
  /** The draft shape while `isNew`; existing shapes are read from the board. */
  draft: TextShape | StickyShape | null;
  isNew: boolean;
}

/** What the UI renders from; replaced (never mutated) on every change. */
export interface EditorState {
  tool: ToolId;
  /** Keep the current tool after drawing instead of returning to select. */
  toolLocked: boolean;
  selection: readonly string[];
  /** The groups entered by double-clicks, outermost first: clicks select one level below. */
  focus: readonly string[];
  style: Style;
  editing: TextEditing | null;
  canUndo: boolean;
  canRedo: boolean;
  /** View only (a viewer's link, or an embed with `readonly`): no tool may change the board. */
  readonly: boolean;
}

/** Render-only state set by tools and commands; changes redraw the canvas, not React. */
export interface OverlayState {
  hoverId: string | null;
  marquee: Bounds | null;
  erasing: Set<string>;
  /** Snapping guides while moving or resizing. */
  guides: Guide[];
  /** The shape a dragged arrow end would bind to. */
  bindTarget: string | null;
  /** The current match of Find, outlined. */
  found: string | null;
}
