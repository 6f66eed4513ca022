/**
 * The awareness state every Drawbridge client publishes, and its validation: a peer's state is
 * remote data like any other, so every field is checked and a bad one reads as absent.
 */
import { type Bounds, isShapeId, LIMITS, type Point } from '@drawbridge/board';
import { MAX_NAME_LENGTH } from './identity.js';

export interface UserInfo {
  name: string;
  color: string;
}

/** Where someone's caret is in a text they are editing (Yjs relative positions, as JSON). */
export interface EditingCaret {
  shapeId: string;
  field: 'text' | 'label';
  anchor: unknown;
  head: unknown;
}

export interface PresenceState {
  user: UserInfo;
  /** Pointer in board coordinates; null when it is off the board. */
  cursor: Point | null;
  /** The board area in view, for people following. */
  viewport: Bounds | null;
  selection: readonly string[];
  editing: EditingCaret | null;
  /** Laser points, flat [x, y, age ms, starts a stroke (0|1), ...]; never stored. */
  laser: readonly number[];
  /** An id per presentation while presenting (asking everyone to follow), else null. */
  presenting: string | null;
}

/** Selections travel with every presence update (each pointer move), so only this many. */
export const MAX_SELECTION = 200;
export const MAX_LASER_NUMBERS = 4 * 64;

const COLOR = /^#[0-9a-f]{6}$/i;
const coordinate = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= LIMITS.coordinate;

function readViewport(value: unknown): Bounds | null {
  if (typeof value !== 'object' || value === null) return null;
  const { x, y, w, h } = value as Record<string, unknown>;
  if (!coordinate(x) || !coordinate(y) || !coordinate(w) || !coordinate(h)) return null;
  return w > 0 && h > 0 ? { x, y, w, h } : null;
}

function readSelection(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > MAX_SELECTION) return [];
  return value.filter(isShapeId);
}

function readEditing(value: unknown): EditingCaret | null {
  if (typeof value !== 'object' || value === null) return null;
  const { shapeId, field, anchor, head } = value as Record<string, unknown>;
  if (!isShapeId(shapeId) || (field !== 'text' && field !== 'label')) return null;
  return { shapeId, field, anchor, head };
}

function readLaser(value: unknown): number[] {
  if (!Array.isArray(value) || value.length > MAX_LASER_NUMBERS || value.length % 4 !== 0)
    return [];
  return value.every(coordinate) ? value : [];
}

/** A peer's awareness state, validated; null when it has no usable user. */
export function readPresence(state: unknown): PresenceState | null {
  if (typeof state !== 'object' || state === null) return null;
  const s = state as Record<string, unknown>;
  const { user, cursor } = s as { user?: unknown; cursor?: unknown };
  if (typeof user !== 'object' || user === null) return null;
  const { name, color } = user as { name?: unknown; color?: unknown };
  if (typeof name !== 'string') return null;
  const c = cursor as { x?: unknown; y?: unknown } | null | undefined;
  const presenting = s.presenting;
  return {
    user: {
      name: name.trim().slice(0, MAX_NAME_LENGTH) || 'Anonymous',
      color: typeof color === 'string' && COLOR.test(color) ? color : '#868e96',
    },
    cursor: c && coordinate(c.x) && coordinate(c.y) ? { x: c.x, y: c.y } : null,
    viewport: readViewport(s.viewport),
    selection: readSelection(s.selection),
    editing: readEditing(s.editing),
    laser: readLaser(s.laser),
    presenting:
      typeof presenting === 'string' && presenting.length > 0 && presenting.length <= 64
        ? presenting
        : null,
  };
}
