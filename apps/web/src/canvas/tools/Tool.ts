import type { PointerInput } from '../types.js';

/**
 * A tool is a small state machine over board-space pointer input. `move` is called for hover
 * as well as drags; `cancel` abandons a gesture (Escape, a second finger, a tool switch).
 */
export interface Tool {
  /** CSS cursor while the tool is active. */
  readonly cursor: string;
  down(input: PointerInput): void;
  move(input: PointerInput): void;
  up(input: PointerInput): void;
  cancel(): void;
}
