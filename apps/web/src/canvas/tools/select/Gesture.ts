import type { PointerInput } from '../../types.js';

/** One drag of the select tool (move, resize, rotate, an arrow's end or bend). */
export interface Gesture {
  readonly cursor: string;
  move(input: PointerInput): void;
  /** The pointer lifted: the final values are written and the undo step closes. */
  end(input: PointerInput): void;
  /** Abandoned: what was already written stays, as one undo step. */
  cancel(): void;
}

/** Screen pixels within which moving and resized shapes snap to others. */
export const SNAP_PX = 6;
