import {
  type AlignMode,
  alignOffsets,
  distributeOffsets,
  entities,
  groupPatches,
  hasGroupAt,
  newShapeId,
  type Shape,
  shapesOutline,
  ungroupPatches,
} from '@drawbridge/board';
import type { Editor } from '../Editor.js';
import { rotateShape } from '../transform.js';

/**
 * Grouping, aligning, distributing and locking: each one undo step over the selection, and
 * every one a plain field edit per shape, so concurrent arranging merges like any other edit.
 */
export class ArrangeCommands {
  readonly #editor: Editor;

  constructor(editor: Editor) {
    this.#editor = editor;
  }

  #selected(min: number): Shape[] | null {
    const editor = this.#editor;
    if (editor.readonly) return null;
    const shapes = editor.selectedShapes();
    return shapes.length >= min ? shapes : null;
  }

  /** Groups the selection (Ctrl+G) at the current level. */
  group(): void {
    const shapes = this.#selected(2);
    if (!shapes || entities(shapes, this.#editor.state.focus).length < 2) return;
    const patches = groupPatches(shapes, newShapeId(), this.#editor.state.focus);
    this.#write(patches);
  }

  /** Dissolves the selected groups one level (Ctrl+Shift+G). */
  ungroup(): void {
    const shapes = this.#selected(1);
    if (!shapes || !hasGroupAt(shapes, this.#editor.state.focus)) return;
    this.#write(ungroupPatches(shapes, this.#editor.state.focus));
  }

  canGroup(): boolean {
    const shapes = this.#editor.selectedShapes();
    return entities(shapes, this.#editor.state.focus).length >= 2;
  }

  canUngroup(): boolean {
    return hasGroupAt(this.#editor.selectedShapes(), this.#editor.state.focus);
  }

  /** Lines up the selected shapes (groups as one) by an edge or centre. */
  align(mode: AlignMode): void {
    const shapes = this.#selected(2);
    if (!shapes) return;
    this.#shift(shapes, (boxes) => alignOffsets(boxes, mode));
  }

  /** Spaces three or more selected shapes (groups as one) evenly along an axis. */
  distribute(axis: 'x' | 'y'): void {
    const shapes = this.#selected(3);
    if (!shapes) return;
    this.#shift(shapes, (boxes) => distributeOffsets(boxes, axis));
  }

  /**
   * Locks the selection (it can then not be selected or moved), or unlocks `ids` (the context
   * menu on a locked shape).
   */
  setLocked(locked: boolean, ids?: readonly string[]): void {
    const editor = this.#editor;
    if (editor.readonly) return;
    const targets = ids ?? editor.selection;
    if (targets.length === 0) return;
    editor.cancelGesture();
    editor.action(() => editor.model.updateShapes(targets, { locked }));
    if (locked) editor.select([]);
    else editor.select(targets);
  }

  /** Turns the selection a quarter turn about its centre (context menu). */
  rotateQuarter(direction: 1 | -1): void {
    const shapes = this.#selected(1);
    const box = shapes && shapesOutline(shapes);
    if (!shapes || !box) return;
    const center = { x: box.x + box.w / 2, y: box.y + box.h / 2 };
    const editor = this.#editor;
    editor.action(() =>
      editor.model.transact(() => {
        editor.model.detachArrows(shapes.map((s) => s.id));
        for (const shape of shapes) {
          editor.model.updateShape(shape.id, rotateShape(shape, center, (direction * Math.PI) / 2));
        }
      }),
    );
  }

  #shift(
    shapes: Shape[],
    offsets: (boxes: ReturnType<typeof boxesOf>) => { x: number; y: number }[],
  ) {
    const editor = this.#editor;
    const groups = entities(shapes, editor.state.focus);
    const moves = offsets(boxesOf(groups));
    editor.action(() =>
      editor.model.transact(() => {
        editor.model.detachArrows(shapes.map((s) => s.id));
        for (const [i, group] of groups.entries()) {
          const { x: dx, y: dy } = moves[i]!;
          if (dx === 0 && dy === 0) continue;
          for (const shape of group) {
            const stored = editor.model.getStoredShape(shape.id);
            if (stored) editor.model.updateShape(shape.id, { x: stored.x + dx, y: stored.y + dy });
          }
        }
      }),
    );
  }

  #write(patches: { id: string; groupIds: string[] }[]): void {
    const editor = this.#editor;
    editor.cancelGesture();
    editor.action(() =>
      editor.model.transact(() => {
        for (const { id, groupIds } of patches) editor.model.updateShape(id, { groupIds });
      }),
    );
    editor.setState({ selection: [...editor.selection] });
  }
}

const boxesOf = (groups: Shape[][]) => groups.map((group) => shapesOutline(group)!);
