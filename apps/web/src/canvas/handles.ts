import {
  type Bounds,
  centerOf,
  isSegment,
  type Point,
  pathPolyline,
  polylineMiddle,
  rotatePoint,
  type Shape,
  segmentEnds,
  segmentPath,
  shapesOutline,
} from '@drawbridge/board';

export type HandleId =
  | 'nw'
  | 'n'
  | 'ne'
  | 'e'
  | 'se'
  | 's'
  | 'sw'
  | 'w'
  | 'start'
  | 'end'
  | 'bend'
  | 'rotate';

export interface Handle {
  id: HandleId;
  x: number;
  y: number;
}

/** Screen size of a handle's hit area (radius), independent of zoom. */
export const HANDLE_HIT_PX = 9;
/** Gap between a selection and its frame, in screen pixels. */
export const FRAME_GAP_PX = 5;
/** How far above the frame the rotate handle sits, in screen pixels. */
export const ROTATE_HANDLE_PX = 22;

/**
 * A selection's frame: an upright box turned by `rotation` about its centre. One shape keeps
 * its own rotation (its frame turns with it); several get the box around their outlines.
 */
export interface SelectionFrame {
  /** The shapes' box without padding (what resizing scales). */
  box: Bounds;
  /** The box padded by the stroke and a constant gap on screen (what is drawn). */
  padded: Bounds;
  rotation: number;
}

/** Model bounds (outlines, without stroke) of several shapes. */
export const shapesBox = (shapes: readonly Shape[]): Bounds | null => shapesOutline(shapes);

export function selectionFrame(shapes: readonly Shape[], zoom: number): SelectionFrame | null {
  const only = shapes.length === 1 ? shapes[0] : undefined;
  const turned = only && !isSegment(only) && only.rotation !== 0;
  const box = turned ? { x: only.x, y: only.y, w: only.w, h: only.h } : shapesOutline(shapes);
  if (!box) return null;
  const stroke = Math.max(0, ...shapes.map((s) => s.strokeWidth / 2));
  const gap = FRAME_GAP_PX / zoom + stroke;
  const padded = { x: box.x - gap, y: box.y - gap, w: box.w + gap * 2, h: box.h + gap * 2 };
  return { box, padded, rotation: turned ? only.rotation : 0 };
}

/** The handle at the given position of a box (its corners and edge midpoints). */
export function handlePoint(box: Bounds, id: HandleId): Point {
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const right = box.x + box.w;
  const bottom = box.y + box.h;
  switch (id) {
    case 'nw':
      return { x: box.x, y: box.y };
    case 'n':
      return { x: cx, y: box.y };
    case 'ne':
      return { x: right, y: box.y };
    case 'e':
      return { x: right, y: cy };
    case 'se':
      return { x: right, y: bottom };
    case 's':
      return { x: cx, y: bottom };
    case 'sw':
      return { x: box.x, y: bottom };
    case 'w':
      return { x: box.x, y: cy };
    default:
      return { x: cx, y: cy };
  }
}

const OPPOSITE: Record<string, HandleId> = {
  nw: 'se',
  n: 's',
  ne: 'sw',
  e: 'w',
  se: 'nw',
  s: 'n',
  sw: 'ne',
  w: 'e',
};

export const oppositeHandle = (id: HandleId): HandleId => OPPOSITE[id] ?? id;

/** A point of the frame's upright box, on the board. */
export const framePoint = (frame: SelectionFrame, p: Point): Point =>
  rotatePoint(p, centerOf(frame.padded), frame.rotation);

/** A board point in the frame's upright box. */
export const toFrame = (frame: SelectionFrame, p: Point): Point =>
  rotatePoint(p, centerOf(frame.padded), -frame.rotation);

/**
 * Handles of a selection: both ends of a single line or arrow, its bend and rotate handles,
 * otherwise the frame's corners, edge midpoints when the frame is big enough on screen to tell
 * them apart, and the rotate handle above it.
 */
export function selectionHandles(shapes: readonly Shape[], zoom: number): Handle[] {
  const only = shapes.length === 1 ? shapes[0] : undefined;
  if (only && isSegment(only)) {
    const [start, end] = segmentEnds(only);
    const handles: Handle[] = [
      { id: 'start', ...start },
      { id: 'end', ...end },
    ];
    if (only.route !== 'elbow') {
      handles.push({ id: 'bend', ...polylineMiddle(pathPolyline(segmentPath(only))) });
    }
    // A line turns about the middle of its box, like any shape.
    const frame = selectionFrame(shapes, zoom);
    if (frame) {
      const top = handlePoint(frame.padded, 'n');
      handles.push({ id: 'rotate', x: top.x, y: top.y - ROTATE_HANDLE_PX / zoom });
    }
    return handles;
  }
  const frame = selectionFrame(shapes, zoom);
  if (!frame) return [];
  const corners: HandleId[] = ['nw', 'ne', 'se', 'sw'];
  const edges: HandleId[] = ['n', 'e', 's', 'w'];
  const big = frame.padded.w * zoom > 48 && frame.padded.h * zoom > 48;
  const handles: Handle[] = [...corners, ...(big ? edges : [])].map((id) => ({
    id,
    ...framePoint(frame, handlePoint(frame.padded, id)),
  }));
  const top = handlePoint(frame.padded, 'n');
  handles.push({
    id: 'rotate',
    ...framePoint(frame, { x: top.x, y: top.y - ROTATE_HANDLE_PX / zoom }),
  });
  return handles;
}

export function handleAt(handles: readonly Handle[], p: Point, zoom: number): Handle | null {
  const radius = HANDLE_HIT_PX / zoom;
  let best: Handle | null = null;
  let bestDistance = radius;
  for (const handle of handles) {
    const d = Math.hypot(handle.x - p.x, handle.y - p.y);
    if (d <= bestDistance) {
      best = handle;
      bestDistance = d;
    }
  }
  return best;
}

const RESIZE_CURSORS = ['ew-resize', 'nwse-resize', 'ns-resize', 'nesw-resize'] as const;
const HANDLE_ANGLES: Partial<Record<HandleId, number>> = {
  e: 0,
  se: 1,
  s: 2,
  sw: 3,
  w: 4,
  nw: 5,
  n: 6,
  ne: 7,
};

/** The cursor over a handle, turned with the frame. */
export function handleCursor(id: HandleId, rotation = 0): string {
  if (id === 'rotate') return 'grab';
  if (id === 'start' || id === 'end' || id === 'bend') return 'move';
  const eighth = HANDLE_ANGLES[id] ?? 0;
  const turned = Math.round(eighth + (rotation / Math.PI) * 4);
  return RESIZE_CURSORS[((turned % 4) + 4) % 4]!;
}

/** Whether a board point lies inside the selection's (turned) frame. */
export function insideFrame(frame: SelectionFrame | null, p: Point): boolean {
  if (!frame) return false;
  const q = toFrame(frame, p);
  const b = frame.padded;
  return q.x >= b.x && q.x <= b.x + b.w && q.y >= b.y && q.y <= b.y + b.h;
}
