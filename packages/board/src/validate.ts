/**
 * Reading shapes out of remote data. Anything a peer wrote may be malformed or hostile: a
 * shape whose core fields fail here is skipped (never rendered, never exported) so that one
 * bad shape cannot break the board for everyone. Fields added after the first release read as
 * their default when missing or unreadable, so older boards open unchanged and a newer peer's
 * unknown value never hides a shape. Pure functions over plain values.
 */
import {
  ARROWHEADS,
  type Arrowhead,
  LABEL_FONT_SIZE,
  LIMITS,
  ROUTES,
  type Route,
  SHAPE_TYPES,
  type Shape,
  type ShapeBase,
  type ShapeType,
  STROKE_DASHES,
  type StrokeDash,
  TEXT_ALIGNS,
  type TextAlign,
} from './schema.js';

const COLOR = /^#[0-9a-f]{6}$/i;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const ASSET_ID = /^[0-9a-f]{64}$/;
/** fractional-indexing keys: an integer head then base-62 digits. */
const INDEX = /^[a-zA-Z][0-9A-Za-z]{0,127}$/;

export const isColor = (value: unknown): value is string =>
  typeof value === 'string' && COLOR.test(value);
export const isShapeId = (value: unknown): value is string =>
  typeof value === 'string' && ID.test(value);
/** An asset id: the SHA-256 of the image's bytes in lowercase hex. */
export const isAssetId = (value: unknown): value is string =>
  typeof value === 'string' && ASSET_ID.test(value);
export const isIndexKey = (value: unknown): value is string =>
  typeof value === 'string' && INDEX.test(value);

export const finite = (value: unknown, limit: number): value is number =>
  typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit;

function readPoints(value: unknown, stride: number, min: number, max: number): number[] | null {
  if (!Array.isArray(value) || value.length > max) return null;
  if (value.length % stride !== 0 || value.length < min) return null;
  for (const n of value) if (!finite(n, LIMITS.coordinate)) return null;
  return value as number[];
}

const oneOf = <T extends string>(list: readonly T[], value: unknown, fallback: T): T =>
  list.includes(value as T) ? (value as T) : fallback;

/** Radians in (-pi, pi]. */
export function normalizeAngle(angle: number): number {
  const turn = Math.PI * 2;
  let a = angle % turn;
  if (a <= -Math.PI) a += turn;
  if (a > Math.PI) a -= turn;
  return Object.is(a, -0) ? 0 : a;
}

function readGroupIds(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > LIMITS.groupDepth) return [];
  return value.every(isShapeId) ? [...new Set(value)] : [];
}

/** Text of a Y.Text (already a string in `toJSON`) or a plain string; null when too long. */
function readText(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > LIMITS.textLength) return null;
  return value;
}

function readFontSize(value: unknown): number | null {
  return finite(value, LIMITS.fontSizeMax) && value >= LIMITS.fontSizeMin ? value : null;
}

/** The optional fields every shape has, defaulted. */
function readCommon(
  r: Record<string, unknown>,
): Pick<ShapeBase, 'rotation' | 'opacity' | 'dash' | 'locked' | 'groupIds'> {
  return {
    rotation: finite(r.rotation, 1e3) ? normalizeAngle(r.rotation) : 0,
    opacity: finite(r.opacity, 1) ? Math.max(0, r.opacity) : 1,
    dash: oneOf<StrokeDash>(STROKE_DASHES, r.dash, 'solid'),
    locked: r.locked === true,
    groupIds: readGroupIds(r.groupIds),
  };
}

function readLabel(r: Record<string, unknown>, align: TextAlign) {
  return {
    label: readText(r.label ?? '') ?? '',
    fontSize: readFontSize(r.fontSize) ?? LABEL_FONT_SIZE,
    textAlign: oneOf<TextAlign>(TEXT_ALIGNS, r.textAlign, align),
  };
}

/**
 * A valid shape from a plain record (a shape's Y.Map as JSON, a pasted or imported shape), or
 * null. `id` is taken from the record.
 */
export function readShape(record: unknown): Shape | null {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return null;
  const r = record as Record<string, unknown>;
  const type = r.type as ShapeType;
  if (!SHAPE_TYPES.includes(type)) return null;
  if (!isShapeId(r.id) || !isIndexKey(r.index)) return null;
  if (!finite(r.x, LIMITS.coordinate) || !finite(r.y, LIMITS.coordinate)) return null;
  if (!finite(r.w, LIMITS.size) || !finite(r.h, LIMITS.size) || r.w < 0 || r.h < 0) return null;
  if (!isColor(r.stroke)) return null;
  if (r.fill !== 'none' && !isColor(r.fill)) return null;
  if (!finite(r.strokeWidth, LIMITS.strokeWidth) || r.strokeWidth < 0) return null;
  const base = {
    id: r.id,
    x: r.x,
    y: r.y,
    w: r.w,
    h: r.h,
    index: r.index,
    stroke: r.stroke,
    fill: r.fill as string,
    strokeWidth: r.strokeWidth,
    ...readCommon(r),
  };
  switch (type) {
    case 'rect':
    case 'ellipse':
    case 'diamond':
      return { ...base, type, ...readLabel(r, 'center') };
    case 'line':
    case 'arrow': {
      const points = readPoints(r.points, 2, 4, LIMITS.segmentPoints);
      if (!points) return null;
      return {
        ...base,
        type,
        points,
        rotation: 0,
        startHead: oneOf<Arrowhead>(ARROWHEADS, r.startHead, 'none'),
        endHead: oneOf<Arrowhead>(ARROWHEADS, r.endHead, type === 'arrow' ? 'arrow' : 'none'),
        route: oneOf<Route>(ROUTES, r.route, 'straight'),
        bend: finite(r.bend, LIMITS.size) ? r.bend : 0,
        ...readLabel(r, 'center'),
      };
    }
    case 'pen': {
      const points = readPoints(r.points, 3, 3, LIMITS.points);
      return points ? { ...base, type, points } : null;
    }
    case 'image': {
      if (!isAssetId(r.assetId)) return null;
      const { naturalWidth, naturalHeight } = r;
      if (!finite(naturalWidth, LIMITS.size) || !finite(naturalHeight, LIMITS.size)) return null;
      if (naturalWidth <= 0 || naturalHeight <= 0) return null;
      return { ...base, type, assetId: r.assetId, naturalWidth, naturalHeight };
    }
    case 'text':
    case 'sticky': {
      const text = readText(r.text);
      const fontSize = readFontSize(r.fontSize);
      if (text === null || fontSize === null) return null;
      const textAlign = oneOf<TextAlign>(TEXT_ALIGNS, r.textAlign, 'left');
      return { ...base, type, text, fontSize, textAlign };
    }
  }
}

/** The board name, or the fallback when missing or malformed. */
export function readName(value: unknown, fallback = 'Untitled board'): string {
  if (typeof value !== 'string') return fallback;
  const name = value.trim().slice(0, LIMITS.name);
  return name.length > 0 ? name : fallback;
}
