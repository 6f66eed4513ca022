import { type Bounds, type Point, type Shape, unionBounds } from '@drawbridge/board';

export type HandleId = 'nw' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w' | 'start' | 'end';

export interface Handle {
  id: HandleId;
  x: number;
  y: number;
}

/** Screen size of a handle's hit area (radius), independent of zoom. */
export const HANDLE_HIT_PX = 9;
/** Gap between a selection and its frame, in screen pixels. */
export const FRAME_GAP_PX = 5;

/** Model bounds (without stroke) of several shapes. */
export const shapesBox = (shapes: readonly Shape[]): Bounds | null =>
  unionBounds(shapes.map((s) => ({ x: s.x, y: s.y, w: s.w, h: s.h })));

/**
 * The selection frame: the shapes' box plus their half stroke and a constant gap on screen,
 * so it never sits on a thick outline.
 */
export function selectionFrame(shapes: readonly Shape[], zoom: number): Bounds | null {
  const box = shapesBox(shapes);
  if (!box) return null;
  const stroke = Math.max(0, ...shapes.map((s) => s.strokeWidth / 2));
  const gap = FRAME_GAP_PX / zoom + stroke;
  return { x: box.x - gap, y: box.y - gap, w: box.w + gap * 2, h: box.h + gap * 2 };
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

/**
 * Handles of a selection: both ends of a single line or arrow, otherwise the frame's corners,
 * plus edge midpoints when the frame is big enough on screen to tell them apart.
 */
export function selectionHandles(shapes: readonly Shape[], zoom: number): Handle[] {
  const only = shapes.length === 1 ? shapes[0] : undefined;
  if (only && (only.type === 'line' || only.type === 'arrow')) {
    const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = only.points;
    return [
      { id: 'start', x: only.x + x1, y: only.y + y1 },
      { id: 'end', x: only.x + x2, y: only.y + y2 },
    ];
  }
  const frame = selectionFrame(shapes, zoom);
  if (!frame) return [];
  const corners: HandleId[] = ['nw', 'ne', 'se', 'sw'];
  const edges: HandleId[] = ['n', 'e', 's', 'w'];
  const big = frame.w * zoom > 48 && frame.h * zoom > 48;
  return [...corners, ...(big ? edges : [])].map((id) => ({ id, ...handlePoint(frame, id) }));
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

export const HANDLE_CURSORS: Record<HandleId, string> = {
  nw: 'nwse-resize',
  se: 'nwse-resize',
  ne: 'nesw-resize',
  sw: 'nesw-resize',
  n: 'ns-resize',
  s: 'ns-resize',
  e: 'ew-resize',
  w: 'ew-resize',
  start: 'move',
  end: 'move',
};
