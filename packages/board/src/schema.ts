/**
 * The board schema: what a Y.Doc of a Drawbridge board holds.
 *
 * ```
 * doc.getMap('meta')    name: string
 * doc.getMap('shapes')  shapeId -> Y.Map of the shape's fields (below)
 * ```
 * Each shape is a Y.Map so concurrent edits of different fields (one peer moves, another
 * recolours) both survive. Paint order is the `index` field, a fractional index: sorting by
 * (index, id) gives every peer the same order without coordination.
 */

export const ShapeType = {
  RECT: 'rect',
  ELLIPSE: 'ellipse',
  LINE: 'line',
  ARROW: 'arrow',
  PEN: 'pen',
  TEXT: 'text',
  STICKY: 'sticky',
} as const;
export type ShapeType = (typeof ShapeType)[keyof typeof ShapeType];

export const SHAPE_TYPES: readonly ShapeType[] = Object.values(ShapeType);

export const ROOT_META = 'meta';
export const ROOT_SHAPES = 'shapes';

/** Fields every shape has. Coordinates are board units; (x, y) is the top-left of the bounds. */
export interface ShapeBase {
  id: string;
  type: ShapeType;
  x: number;
  y: number;
  w: number;
  h: number;
  /** Fractional index: paint order. */
  index: string;
  /** Stroke colour, `#rrggbb`. */
  stroke: string;
  /** Fill colour `#rrggbb`, or `none`. */
  fill: string;
  strokeWidth: number;
}

export interface RectShape extends ShapeBase {
  type: 'rect';
}
export interface EllipseShape extends ShapeBase {
  type: 'ellipse';
}
/**
 * Lines and arrows: `points` are [x1, y1, x2, y2] relative to (x, y); the bounds enclose them.
 */
export interface LineShape extends ShapeBase {
  type: 'line';
  points: number[];
}
export interface ArrowShape extends ShapeBase {
  type: 'arrow';
  points: number[];
}
/** Freehand: `points` are flat [x, y, pressure, ...] relative to (x, y). */
export interface PenShape extends ShapeBase {
  type: 'pen';
  points: number[];
}
export interface TextShape extends ShapeBase {
  type: 'text';
  text: string;
  fontSize: number;
}
export interface StickyShape extends ShapeBase {
  type: 'sticky';
  text: string;
  fontSize: number;
}

export type Shape =
  | RectShape
  | EllipseShape
  | LineShape
  | ArrowShape
  | PenShape
  | TextShape
  | StickyShape;

export type ShapeOfType<T extends ShapeType> = Extract<Shape, { type: T }>;

/** A shape as created by a tool: id and index are assigned by the model. */
export type NewShape = Shape extends infer S
  ? S extends Shape
    ? Omit<S, 'id' | 'index'> & { id?: string; index?: string }
    : never
  : never;

export interface Bounds {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Bounds of remote data are clamped to these; no honest board comes near. */
export const LIMITS = {
  coordinate: 1e7,
  size: 1e6,
  strokeWidth: 200,
  fontSizeMin: 4,
  fontSizeMax: 400,
  textLength: 10_000,
  /** Numbers in `points` (pen: 3 per point). */
  points: 30_000,
  name: 200,
} as const;

export const PALETTE = [
  '#1e1e1e',
  '#e03131',
  '#2f9e44',
  '#1971c2',
  '#f08c00',
  '#9c36b5',
  '#0c8599',
  '#868e96',
  '#ffffff',
] as const;

export const STICKY_COLORS = ['#ffec99', '#b2f2bb', '#a5d8ff', '#ffc9c9', '#eebefa'] as const;

export const DEFAULT_STYLE = {
  stroke: '#1e1e1e',
  fill: 'none',
  strokeWidth: 4,
  fontSize: 24,
} as const;

export const hasPoints = (shape: Shape): shape is LineShape | ArrowShape | PenShape =>
  shape.type === 'line' || shape.type === 'arrow' || shape.type === 'pen';

export const hasText = (shape: Shape): shape is TextShape | StickyShape =>
  shape.type === 'text' || shape.type === 'sticky';
