import type { BoardModel, Bounds, Point, Shape } from '@drawbridge/board';
import type { ArrowBinder } from '../ArrowBinder.js';
import type { LaserTrail } from '../LaserTrail.js';
import type { LiveEdits } from '../LiveEdits.js';
import type { Measure } from '../textFit.js';
import type { EditorState, OverlayState } from '../types.js';

export interface ImagePicker {
  pick(at: Point): void;
}

/**
 * What a tool may use of the editor: the board, the gesture's live edits, what is shown, the
 * selection and the view's zoom. Tools depend on this, never on the Editor class, so they can
 * be driven by anything that provides it (and there is no import cycle).
 */
export interface ToolHost {
  readonly model: BoardModel;
  readonly live: LiveEdits;
  readonly binder: ArrowBinder;
  readonly laser: LaserTrail;
  /** Render-only state: hover, marquee, erasing, guides, bind target. */
  readonly overlay: OverlayState;
  readonly state: EditorState;
  readonly readonly: boolean;
  readonly selection: readonly string[];
  readonly measure: Measure;
  readonly camera: { readonly zoom: number; panBy(dx: number, dy: number): void };
  /** The shapes a click on a shape selects (its group at the current level); leaving groups. */
  readonly groups: {
    entityOf(id: string): string[];
    focusOn(id: string | null): void;
  };
  readonly text: {
    edit(id: string): void;
    draft(type: 'text' | 'sticky', at: Point): void;
  };
  /** Asks the user for picture files and places them at a board point (the app's part). */
  readonly images: ImagePicker;

  /** A shape as currently shown (gesture values included). */
  getShape(id: string): Shape | undefined;
  selectedShapes(): Shape[];
  shapesIn(area: Bounds): Shape[];
  shapesInside(box: Bounds): string[];
  /** The topmost unlocked shape under a board point (tolerance in screen pixels). */
  hitTest(p: Point, tolerancePx?: number): string | null;
  select(ids: readonly string[]): void;
  setHover(id: string | null): void;
  /** Outline boxes of shapes on screen that moving or resized shapes snap to. */
  snapTargets(exclude: ReadonlySet<string>): Bounds[];

  /** Starts an undo step that a gesture's writes join. */
  beginGesture(): void;
  /** Writes the gesture's final values and closes its undo step. */
  endGesture(): void;
  /** Runs `fn` as one undo step. */
  action<T>(fn: () => T): T;
  /** After creating shapes: select them; hand back to select unless the tool stays. */
  finishCreation(ids: readonly string[]): void;
  invalidate(): void;
}
