/**
 * Shapes as portable JSON: the clipboard (copy and paste, also between boards and tabs) and
 * board files (export and import). Everything read back is validated like remote data.
 */
import { unionBounds } from './geometry.js';
import type { NewShape, Shape } from './schema.js';
import { readName, readShape } from './validate.js';

export const CLIPBOARD_TYPE = 'drawbridge/shapes';
export const BOARD_FILE_TYPE = 'drawbridge/board';
export const BOARD_FILE_EXTENSION = '.drawbridge.json';

const strip = ({ id: _id, index: _index, ...rest }: Shape): NewShape => rest as NewShape;

export function serializeShapes(shapes: readonly Shape[]): string {
  return JSON.stringify({ type: CLIPBOARD_TYPE, version: 1, shapes: shapes.map(strip) });
}

/** Valid shapes from untrusted JSON; unknown or malformed shapes are dropped. */
function readShapeList(list: unknown): NewShape[] {
  if (!Array.isArray(list)) return [];
  const shapes: NewShape[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const shape = readShape({ ...item, id: 'pasted', index: 'a0' });
    if (shape) shapes.push(strip(shape));
  }
  return shapes;
}

/** Shapes from clipboard text, or null when it is not Drawbridge shapes. */
export function parseShapes(text: string): NewShape[] | null {
  try {
    const data = JSON.parse(text) as { type?: unknown; shapes?: unknown };
    if (data?.type !== CLIPBOARD_TYPE) return null;
    return readShapeList(data.shapes);
  } catch {
    return null;
  }
}

/** Moves shapes so their bounds' top-left lands at `at`. */
export function placeShapes(shapes: readonly NewShape[], at: { x: number; y: number }): NewShape[] {
  const bounds = unionBounds(shapes.map((s) => ({ x: s.x, y: s.y, w: s.w, h: s.h })));
  if (!bounds) return [];
  return shapes.map(
    (s) => ({ ...s, x: s.x - bounds.x + at.x, y: s.y - bounds.y + at.y }) as NewShape,
  );
}

export interface BoardFile {
  name: string;
  shapes: NewShape[];
}

export function serializeBoard(name: string, shapes: readonly Shape[]): string {
  return JSON.stringify(
    { type: BOARD_FILE_TYPE, version: 1, name, shapes: shapes.map(strip) },
    null,
    1,
  );
}

export class BoardFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoardFileError';
  }
}

/** Reads a board file; throws BoardFileError with a message fit for the user. */
export function parseBoard(text: string): BoardFile {
  let data: { type?: unknown; version?: unknown; name?: unknown; shapes?: unknown };
  try {
    data = JSON.parse(text);
  } catch {
    throw new BoardFileError('This file is not a Drawbridge board (not JSON).');
  }
  if (data?.type !== BOARD_FILE_TYPE)
    throw new BoardFileError('This file is not a Drawbridge board.');
  if (data.version !== 1)
    throw new BoardFileError(`Unsupported board file version ${String(data.version)}.`);
  return { name: readName(data.name), shapes: readShapeList(data.shapes) };
}
