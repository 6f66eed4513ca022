/**
 * The board schema: what a Y.Doc of a Drawbridge board holds.
 *
 * ```
 * doc.getMap('meta')      name: string
 * doc.getMap('shapes')    shapeId -> Y.Map of the shape's fields (below)
 * doc.getMap('bindings')  `${arrowId}:${terminal}` -> { arrowId, terminal, shapeId, anchor }
 * ```
 * Each shape is a Y.Map so concurrent edits of different fields (one peer moves, another
 * recolours) both survive. Paint order is the `index` field, a fractional index: sorting by
 * (index, id) gives every peer the same order without coordination.
 *
 * Text (`text` of texts and notes, `label` of boxes and segments) is a Y.Text, so two people
 * typing in one note keep every keystroke; boards written before that hold plain strings, which
 * read the same and become a Y.Text on their first edit.
 *
 * Fields added after the first release (rotation, opacity, dash, locked, groupIds, label,
 * textAlign, heads, route, bend) are optional in the document: a missing or unreadable value
 * reads as its default, so older boards open unchanged.
 *
 * An image shape holds only a reference: the id of an asset stored on the server (the
 * SHA-256 of its bytes, in lowercase hex) and the picture's natural size. The bytes never go
 * into the document; clients from before images skip the shape as an unknown type.
 */

export const ShapeType = {
  RECT: 'rect',
  ELLIPSE: 'ellipse',
  DIAMOND: 'diamond',
  LINE: 'line',
  ARROW: 'arrow',
  PEN: 'pen',
  TEXT: 'text',
  STICKY: 'sticky',
  IMAGE: 'image',
} as const;
export type ShapeType = (typeof ShapeType)[keyof typeof ShapeType];

export const SHAPE_TYPES: readonly ShapeType[] = Object.values(ShapeType);

export const ROOT_META = 'meta';
export const ROOT_SHAPES = 'shapes';
export const ROOT_BINDINGS = 'bindings';

export const StrokeDash = { SOLID: 'solid', DASHED: 'dashed', DOTTED: 'dotted' } as const;
export type StrokeDash = (typeof StrokeDash)[keyof typeof StrokeDash];
export const STROKE_DASHES: readonly StrokeDash[] = Object.values(StrokeDash);

export const TextAlign = { LEFT: 'left', CENTER: 'center', RIGHT: 'right' } as const;
export type TextAlign = (typeof TextAlign)[keyof typeof TextAlign];
export const TEXT_ALIGNS: readonly TextAlign[] = Object.values(TextAlign);

export const Arrowhead = {
  NONE: 'none',
  ARROW: 'arrow',
  TRIANGLE: 'triangle',
  DOT: 'dot',
} as const;
export type Arrowhead = (typeof Arrowhead)[keyof typeof Arrowhead];
export const ARROWHEADS: readonly Arrowhead[] = Object.values(Arrowhead);

export const Route = { STRAIGHT: 'straight', CURVED: 'curved', ELBOW: 'elbow' } as const;
export type Route = (typeof Route)[keyof typeof Route];
export const ROUTES: readonly Route[] = Object.values(Route);

/** Fields every shape has. Coordinates are board units; (x, y) is the top-left of the frame. */
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
  /**
   * Radians, clockwise, about the frame's centre. Always 0 for lines and arrows: their points
   * carry their direction.
   */
  rotation: number;
  /** 0..1. */
  opacity: number;
  dash: StrokeDash;
  /** A locked shape cannot be selected or moved until it is unlocked. */
  locked: boolean;
  /** The groups the shape belongs to, outermost first. */
  groupIds: string[];
}

/** Rectangles, ellipses and diamonds: a frame, with a label centred inside. */
export interface BoxBase extends ShapeBase {
  label: string;
  fontSize: number;
  textAlign: TextAlign;
}
export interface RectShape extends BoxBase {
  type: 'rect';
}
export interface EllipseShape extends BoxBase {
  type: 'ellipse';
}
export interface DiamondShape extends BoxBase {
  type: 'diamond';
}

/**
 * Lines and arrows: `points` are [x1, y1, ..., xn, yn] relative to (x, y), start first and end
 * last; a straight or curved segment uses the two ends, an elbow route is the whole polyline.
 * `bend` is how far the middle of a curved one sits off the chord (board units, to the left
 * of start -> end). The label sits at the middle of the path.
 */
export interface SegmentBase extends ShapeBase {
  points: number[];
  startHead: Arrowhead;
  endHead: Arrowhead;
  route: Route;
  bend: number;
  label: string;
  fontSize: number;
  textAlign: TextAlign;
}
export interface LineShape extends SegmentBase {
  type: 'line';
}
export interface ArrowShape extends SegmentBase {
  type: 'arrow';
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
  textAlign: TextAlign;
}
export interface StickyShape extends ShapeBase {
  type: 'sticky';
  text: string;
  fontSize: number;
  textAlign: TextAlign;
}

/** A picture: the asset's id and natural size; (x, y, w, h) is where it is drawn. */
export interface ImageShape extends ShapeBase {
  type: 'image';
  /** SHA-256 of the image's bytes, 64 lowercase hex digits. */
  assetId: string;
  naturalWidth: number;
  naturalHeight: number;
}

export type Shape =
  | ImageShape
  | RectShape
  | EllipseShape
  | DiamondShape
  | LineShape
  | ArrowShape
  | PenShape
  | TextShape
  | StickyShape;

export type BoxShape = RectShape | EllipseShape | DiamondShape;
export type SegmentShape = LineShape | ArrowShape;
export type ShapeOfType<T extends ShapeType> = Extract<Shape, { type: T }>;

/** Fields a new shape may leave out: they take their defaults. */
type Defaulted =
  | 'rotation'
  | 'opacity'
  | 'dash'
  | 'locked'
  | 'groupIds'
  | 'label'
  | 'textAlign'
  | 'startHead'
  | 'endHead'
  | 'route'
  | 'bend'
  | 'fontSize';

/** A shape as created by a tool: id and index are assigned by the model. */
export type NewShape = Shape extends infer S
  ? S extends Shape
    ? Omit<S, 'id' | 'index' | Defaulted> &
        Partial<Pick<S, Defaulted & keyof S>> & { id?: string; index?: string }
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
  /** Numbers in a line's or arrow's `points` (an elbow route has a few corners). */
  segmentPoints: 32,
  name: 200,
  groupDepth: 16,
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
  opacity: 1,
  dash: 'solid' as StrokeDash,
} as const;

/** Labels of boxes and segments start smaller than free text. */
export const LABEL_FONT_SIZE = 20;

export const isBox = (shape: Shape): shape is BoxShape =>
  shape.type === 'rect' || shape.type === 'ellipse' || shape.type === 'diamond';

export const isSegment = (shape: Shape): shape is SegmentShape =>
  shape.type === 'line' || shape.type === 'arrow';

export const hasPoints = (shape: Shape): shape is LineShape | ArrowShape | PenShape =>
  isSegment(shape) || shape.type === 'pen';

export const isImage = (shape: Shape): shape is ImageShape => shape.type === 'image';

export const hasText = (shape: Shape): shape is TextShape | StickyShape =>
  shape.type === 'text' || shape.type === 'sticky';

/** Shapes whose text lives in `label` (edited by a double-click). */
export const hasLabel = (shape: Shape): shape is BoxShape | SegmentShape =>
  isBox(shape) || isSegment(shape);

/** The field holding a shape's editable text, if it has one. */
export const textField = (shape: Shape): 'text' | 'label' | null =>
  hasText(shape) ? 'text' : hasLabel(shape) ? 'label' : null;

/** The text a shape shows, whichever field holds it. */
export const shapeText = (shape: Shape): string =>
  hasText(shape) ? shape.text : hasLabel(shape) ? shape.label : '';
