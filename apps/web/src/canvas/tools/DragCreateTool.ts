import type { NewShape, Point, Shape } from '@drawbridge/board';
import type { PointerInput } from '../types.js';
import type { Tool } from './Tool.js';
import type { ToolHost } from './ToolHost.js';

/** Screen pixels a drag must cover before it creates a shape (a click creates nothing). */
export const CREATE_THRESHOLD_PX = 3;

/** What a drag from `origin` to the pointer makes: the shape's geometry, and how far it reaches. */
export interface DragGeometry {
  fields: Partial<Shape>;
  /** Board units the drag covers; below the threshold nothing is created yet. */
  extent: number;
}

/**
 * Shapes made by one drag (boxes, lines): the shape appears once the drag passes the threshold,
 * follows the pointer as a live edit, and is one undo step.
 */
export abstract class DragCreateTool<Id extends Shape['type']> implements Tool {
  readonly cursor = 'crosshair';
  protected readonly editor: ToolHost;
  protected origin: Point | null = null;
  protected shapeId: string | null = null;

  constructor(
    readonly id: Id,
    editor: ToolHost,
  ) {
    this.editor = editor;
  }

  protected abstract geometry(origin: Point, input: PointerInput): DragGeometry;
  /** The new shape, with the current style, from the first geometry. */
  protected abstract create(fields: Partial<Shape>): NewShape;
  /** Called before the gesture's step closes (bindings join the same undo step). */
  protected finish(_input: PointerInput): void {}

  down(input: PointerInput): void {
    if (input.button !== 0) return;
    this.origin = { x: input.x, y: input.y };
    this.editor.beginGesture();
  }

  move(input: PointerInput): void {
    const origin = this.origin;
    if (!origin) return;
    const { fields, extent } = this.geometry(origin, input);
    if (!this.shapeId) {
      if (extent * this.editor.camera.zoom < CREATE_THRESHOLD_PX) return;
      this.shapeId = this.editor.model.addShape(this.create(fields));
      return;
    }
    const base = this.editor.getShape(this.shapeId);
    if (base) this.editor.live.set(base, fields);
  }

  up(input: PointerInput): void {
    if (!this.origin) return;
    this.move(input);
    const id = this.shapeId;
    if (id) this.finish(input);
    this.reset();
    this.editor.endGesture();
    if (id) this.editor.finishCreation([id]);
  }

  cancel(): void {
    if (this.origin) this.editor.endGesture();
    this.reset();
  }

  protected reset(): void {
    this.origin = null;
    this.shapeId = null;
  }
}
