import {
  boundsFromCorners,
  type NewShape,
  type Point,
  round2,
  type Shape,
} from '@drawbridge/board';
import type { PointerInput } from '../types.js';
import { DragCreateTool, type DragGeometry } from './DragCreateTool.js';

export { CREATE_THRESHOLD_PX } from './DragCreateTool.js';

/** Rectangles, ellipses and diamonds, dragged from corner to corner; Shift makes them square. */
export class BoxTool extends DragCreateTool<'rect' | 'ellipse' | 'diamond'> {
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
    const box = { x: round2(b.x), y: round2(b.y), w: round2(b.w), h: round2(b.h) };
    return { fields: box, extent: Math.max(box.w, box.h) };
  }

  protected create(fields: Partial<Shape>): NewShape {
    const { stroke, fill, strokeWidth, opacity, dash } = this.editor.state.style;
    return { ...fields, type: this.id, stroke, fill, strokeWidth, opacity, dash } as NewShape;
  }
}
