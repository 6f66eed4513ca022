import type * as Y from 'yjs';
import type { Emitter } from '../util/Emitter.js';

/** Another person's caret in the text being edited. */
export interface RemoteCaret {
  clientId: number;
  name: string;
  color: string;
  index: number;
}

/** How the text editor tells others where its caret is, and learns where theirs are. */
export interface CaretChannel {
  /** Publishes the local caret in `text` (null: not editing, or nothing to anchor to yet). */
  publish(
    target: { shapeId: string; field: string; text: Y.Text } | null,
    anchor: number,
    head: number,
  ): void;
  /** Other people's carets in this text. */
  remote(shapeId: string, field: string, text: Y.Text | null): RemoteCaret[];
  readonly changed: Emitter;
  /** Bumped on every change of anyone's caret. */
  readonly version: number;
}
