import { boundsFromCorners, type NewShape, type Point, type Shape } from '@drawbridge/board';
import type { PointerInput } from '../types.js';
import { DragCreateTool, type DragGeometry } from './DragCreateTool.js';

export { CREATE_THRESHOLD_PX } from './DragCreateTool.js';

const round = (n: number): number => Math.round(n * 100) / 100;

/** Rectangles and ellipses, dragged from corner to corner; Shift makes them square. */
export class BoxTool extends DragCreateTool<'rect' | 'ellipse'> {
  protected geometry(origin: Point, input: PointerInput): DragGeometry {
    let end: Point = input;
    if (input.shiftKey) {
      const size = Math.max(Math.abs(input.x - origin.x), Math.abs(input.y - origin.y));
      end = {
        x: origin.x + size * Math.sign(input.x - origin.x || 1),
        y: origin.y + size * Math.sign(input.y - origin.y || 1),
      };
    }
    const b = boundsFromCorners(origin, end);
    const box = { x: round(b.x), y: round(b.y), w: round(b.w), h: round(b.h) };
    return { fields: box, extent: Math.max(box.w, box.h) };
  }

  protected create(fields: Partial<Shape>): NewShape {
    const { stroke, fill, strokeWidth } = this.editor.state.style;
    return { ...fields, type: this.id, stroke, fill, strokeWidth } as NewShape;
  }
}
