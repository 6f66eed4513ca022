/**
 * Reading shapes out of remote data. Anything a peer wrote may be malformed or hostile: a
 * shape that fails here is skipped (never rendered, never exported) so that one bad shape
 * cannot break the board for everyone. Pure functions over plain values.
 */
import { LIMITS, SHAPE_TYPES, type Shape, type ShapeType } from './schema.js';

const COLOR = /^#[0-9a-f]{6}$/i;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
/** fractional-indexing keys: an integer head then base-62 digits. */
const INDEX = /^[a-zA-Z][0-9A-Za-z]{0,127}$/;

export const isColor = (value: unknown): value is string =>
  typeof value === 'string' && COLOR.test(value);
export const isShapeId = (value: unknown): value is string =>
  typeof value === 'string' && ID.test(value);
export const isIndexKey = (value: unknown): value is string =>
  typeof value === 'string' && INDEX.test(value);

const finite = (value: unknown, limit: number): value is number =>
  typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit;

function readPoints(value: unknown, stride: number, min: number): number[] | null {
  if (!Array.isArray(value) || value.length > LIMITS.points) return null;
  if (value.length % stride !== 0 || value.length < min) return null;
  for (const n of value) if (!finite(n, LIMITS.coordinate)) return null;
  return value as number[];
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
  };
  switch (type) {
    case 'rect':
    case 'ellipse':
      return { ...base, type };
    case 'line':
    case 'arrow': {
      const points = readPoints(r.points, 2, 4);
      return points && points.length === 4 ? { ...base, type, points } : null;
    }
    case 'pen': {
      const points = readPoints(r.points, 3, 3);
      return points ? { ...base, type, points } : null;
    }
    case 'text':
    case 'sticky': {
      if (typeof r.text !== 'string' || r.text.length > LIMITS.textLength) return null;
      const fontSize = r.fontSize;
      if (!finite(fontSize, LIMITS.fontSizeMax) || fontSize < LIMITS.fontSizeMin) return null;
      return { ...base, type, text: r.text, fontSize };
    }
  }
}

/** The board name, or the fallback when missing or malformed. */
export function readName(value: unknown, fallback = 'Untitled board'): string {
  if (typeof value !== 'string') return fallback;
  const name = value.trim().slice(0, LIMITS.name);
  return name.length > 0 ? name : fallback;
}
