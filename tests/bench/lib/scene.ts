/**
 * The same whiteboard scene for every server and editor: N shapes (rectangles, ellipses, lines
 * and short texts) on a grid, deterministic. As a Drawbridge board (through the board model,
 * so it is exactly what the app writes) and as plain shape records for the other editors.
 */
import { BoardModel, type NewShape } from '@drawbridge/board';
import * as Y from 'yjs';
import { createRandom } from '../../utils/random.js';

export interface SceneShape {
  type: 'rect' | 'ellipse' | 'line' | 'text';
  x: number;
  y: number;
  w: number;
  h: number;
  stroke: string;
  fill: string;
  text?: string;
}

const STROKES = ['#1e1e1e', '#e03131', '#2f9e44', '#1971c2', '#f08c00', '#6741d9'] as const;
const FILLS = ['none', '#ffc9c9', '#b2f2bb', '#a5d8ff', '#ffec99'] as const;
const TYPES = ['rect', 'rect', 'ellipse', 'ellipse', 'line', 'text'] as const;

/** Shapes on a square grid of 120-unit cells: 10,000 shapes span 12,000 x 12,000 units. */
export function sceneShapes(count: number, seed = 3): SceneShape[] {
  const random = createRandom(seed);
  const side = Math.ceil(Math.sqrt(count));
  return Array.from({ length: count }, (_, i) => {
    const type = TYPES[i % TYPES.length]!;
    const w = 40 + random.int(60);
    const h = type === 'text' ? 24 : 30 + random.int(60);
    return {
      type,
      x: (i % side) * 120 + random.int(10),
      y: Math.floor(i / side) * 120 + random.int(10),
      w,
      h,
      stroke: random.pick(STROKES),
      fill: type === 'line' || type === 'text' ? 'none' : random.pick(FILLS),
      ...(type === 'text' ? { text: `note ${i}` } : {}),
    };
  });
}

function toNewShape(s: SceneShape): NewShape {
  const base = { x: s.x, y: s.y, w: s.w, h: s.h, stroke: s.stroke, fill: s.fill, strokeWidth: 2 };
  switch (s.type) {
    case 'line':
      return { ...base, type: 'line', points: [0, 0, s.w, s.h] };
    case 'text':
      return { ...base, type: 'text', text: s.text ?? '', fontSize: 16 };
    default:
      return { ...base, type: s.type };
  }
}

/** The scene as one Yjs update of a Drawbridge board. */
export function sceneUpdate(count: number, seed = 3): Uint8Array {
  const doc = new Y.Doc();
  const model = new BoardModel(doc);
  model.addShapes(sceneShapes(count, seed).map(toNewShape));
  const update = Y.encodeStateAsUpdate(doc);
  model.destroy();
  doc.destroy();
  return update;
}

/**
 * The scene pasted by a client that drew one shape first, as a member pastes after drawing
 * anything in the session: the paste's structs then start past the client's first ones.
 */
export function scenePastedAfterDrawing(
  count: number,
  seed = 3,
): { drawn: Uint8Array; paste: Uint8Array } {
  const doc = new Y.Doc();
  const model = new BoardModel(doc);
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  model.addShape(toNewShape({ ...sceneShapes(1, seed + 1)[0]!, type: 'rect' }));
  model.addShapes(sceneShapes(count, seed).map(toNewShape));
  model.destroy();
  doc.destroy();
  if (updates.length !== 2) throw new Error(`expected 2 updates, got ${updates.length}`);
  return { drawn: updates[0]!, paste: updates[1]! };
}

/** Shapes on a board as a joiner received it. */
export function shapeCount(update: Uint8Array): number {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  const count = doc.getMap('shapes').size;
  doc.destroy();
  return count;
}
