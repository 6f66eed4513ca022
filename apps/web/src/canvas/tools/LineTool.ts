import type { NewShape, Point, Shape } from '@drawbridge/board';
import { segmentFields, snapAngle } from '../transform.js';
import type { PointerInput } from '../types.js';
import { DragCreateTool, type DragGeometry } from './DragCreateTool.js';

/** Lines and arrows, dragged from start to end; Shift snaps the angle to 15 degrees. */
export class LineTool extends DragCreateTool<'line' | 'arrow'> {
  protected geometry(origin: Point, input: PointerInput): DragGeometry {
    const end = input.shiftKey ? snapAngle(origin, input) : input;
    return {
      fields: segmentFields(origin, end),
      extent: Math.hypot(end.x - origin.x, end.y - origin.y),
    };
  }

  protected create(fields: Partial<Shape>): NewShape {
    const { stroke, strokeWidth } = this.editor.state.style;
    return { ...fields, type: this.id, stroke, fill: 'none', strokeWidth } as NewShape;
  }
}
