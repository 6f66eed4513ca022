/**
 * Shapes as portable JSON: the clipboard (copy and paste, also between boards and tabs) and
 * board files (export and import). Everything read back is validated like remote data.
 * Bindings travel with the shapes they join, by position in the list (shape ids are new on
 * every paste); readers from before bindings ignore them and get the arrows where they were.
 */
import { type Binding, readBinding, type Terminal } from './bindings.js';
import { type Point, unionBounds } from './geometry.js';
import type { NewShape, Shape } from './schema.js';
import { readName, readShape } from './validate.js';

export const CLIPBOARD_TYPE = 'drawbridge/shapes';
export const BOARD_FILE_TYPE = 'drawbridge/board';
export const BOARD_FILE_EXTENSION = '.drawbridge.json';

/** A binding between two shapes of a list, by their positions in it. */
export interface PortableBinding {
  arrow: number;
  terminal: Terminal;
  shape: number;
  anchor: Point;
}

export interface ClipboardContent {
  shapes: NewShape[];
  bindings: PortableBinding[];
}

const strip = ({ id: _id, index: _index, ...rest }: Shape): NewShape => rest as NewShape;

/** Bindings whose arrow and shape are both in `shapes`, by position. */
function portable(shapes: readonly Shape[], bindings: readonly Binding[]): PortableBinding[] {
  const at = new Map(shapes.map((shape, i) => [shape.id, i]));
  const list: PortableBinding[] = [];
  for (const b of bindings) {
    const arrow = at.get(b.arrowId);
    const shape = at.get(b.shapeId);
    if (arrow !== undefined && shape !== undefined) {
      list.push({ arrow, terminal: b.terminal, shape, anchor: b.anchor });
    }
  }
  return list;
}

export function serializeShapes(
  shapes: readonly Shape[],
  bindings: readonly Binding[] = [],
): string {
  return JSON.stringify({
    type: CLIPBOARD_TYPE,
    version: 1,
    shapes: shapes.map(strip),
    bindings: portable(shapes, bindings),
  });
}

/** Valid shapes and bindings from untrusted JSON; unknown or malformed ones are dropped. */
function readContent(list: unknown, links: unknown): ClipboardContent {
  if (!Array.isArray(list)) return { shapes: [], bindings: [] };
  const shapes: NewShape[] = [];
  /** Position in the input -> position in `shapes` (malformed shapes are skipped). */
  const kept = new Map<number, number>();
  for (const [i, item] of list.entries()) {
    if (typeof item !== 'object' || item === null) continue;
    const shape = readShape({ ...item, id: 'pasted', index: 'a0' });
    if (!shape) continue;
    kept.set(i, shapes.length);
    shapes.push(strip(shape));
  }
  const bindings: PortableBinding[] = [];
  for (const link of Array.isArray(links) ? links : []) {
    if (typeof link !== 'object' || link === null) continue;
    const { arrow, shape, terminal, anchor } = link as Record<string, unknown>;
    const a = kept.get(arrow as number);
    const s = kept.get(shape as number);
    if (a === undefined || s === undefined || a === s) continue;
    const type = shapes[a]!.type;
    if (type !== 'line' && type !== 'arrow') continue;
    // Validated as a stored binding would be, with placeholder ids.
    const value = {
      arrowId: 'a',
      terminal,
      shapeId: 's',
      anchor: [anchorX(anchor), anchorY(anchor)],
    };
    const read = readBinding(`a:${String(terminal)}`, value);
    if (read) bindings.push({ arrow: a, terminal: read.terminal, shape: s, anchor: read.anchor });
  }
  return { shapes, bindings };
}

const anchorX = (anchor: unknown): unknown => (anchor as { x?: unknown } | null)?.x;
const anchorY = (anchor: unknown): unknown => (anchor as { y?: unknown } | null)?.y;

/** Shapes from clipboard text, or null when it is not Drawbridge shapes. */
export function parseShapes(text: string): ClipboardContent | null {
  try {
    const data = JSON.parse(text) as { type?: unknown; shapes?: unknown; bindings?: unknown };
    if (data?.type !== CLIPBOARD_TYPE) return null;
    return readContent(data.shapes, data.bindings);
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

export interface BoardFile extends ClipboardContent {
  name: string;
}

export function serializeBoard(
  name: string,
  shapes: readonly Shape[],
  bindings: readonly Binding[] = [],
): string {
  return JSON.stringify(
    {
      type: BOARD_FILE_TYPE,
      version: 1,
      name,
      shapes: shapes.map(strip),
      bindings: portable(shapes, bindings),
    },
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
  let data: {
    type?: unknown;
    version?: unknown;
    name?: unknown;
    shapes?: unknown;
    bindings?: unknown;
  };
  try {
    data = JSON.parse(text);
  } catch {
    throw new BoardFileError('This file is not a Drawbridge board (not JSON).');
  }
  if (data?.type !== BOARD_FILE_TYPE)
    throw new BoardFileError('This file is not a Drawbridge board.');
  if (data.version !== 1)
    throw new BoardFileError(`Unsupported board file version ${String(data.version)}.`);
  return { name: readName(data.name), ...readContent(data.shapes, data.bindings) };
}
