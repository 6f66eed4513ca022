import {
  LIMITS,
  LINE_HEIGHT,
  type NewShape,
  type Point,
  STICKY_COLORS,
  type StickyShape,
  type TextShape,
} from '@drawbridge/board';
import type { Editor } from './Editor.js';
import { fitText, STICKY_SIZE } from './textFit.js';

/**
 * In-place text editing. A new text or sticky is a draft until it is committed, so an
 * abandoned empty one never reaches the board (or anyone else's screen); an existing one is
 * written once, on commit, as one undo step.
 */
export class TextEditing {
  readonly #editor: Editor;
  #value = '';

  constructor(editor: Editor) {
    this.#editor = editor;
  }

  /** The text in the editor now (the textarea reports every change). */
  get value(): string {
    return this.#value;
  }

  setValue(value: string): void {
    this.#value = value.slice(0, LIMITS.textLength);
  }

  edit(id: string): void {
    const editor = this.#editor;
    if (editor.readonly) return;
    const shape = editor.store.get(id);
    if (!shape || (shape.type !== 'text' && shape.type !== 'sticky')) return;
    this.commit();
    editor.cancelGesture();
    this.#value = shape.text;
    editor.setState({ editing: { shape, isNew: false }, selection: [id] });
  }

  /** Starts a new text (its first line centred on `at`) or sticky (centred on `at`). */
  draft(type: 'text' | 'sticky', at: Point): void {
    const editor = this.#editor;
    if (editor.readonly) return;
    this.commit();
    const { stroke, fill, fontSize } = editor.state.style;
    const base = { id: 'draft', index: 'a0', stroke, strokeWidth: 0, fontSize, text: '' };
    let shape: TextShape | StickyShape;
    if (type === 'text') {
      const lineHeight = fontSize * LINE_HEIGHT;
      shape = {
        ...base,
        type,
        fill: 'none',
        x: at.x,
        y: at.y - lineHeight / 2,
        w: fontSize / 2,
        h: lineHeight,
      };
    } else {
      shape = {
        ...base,
        type,
        fill: fill === 'none' ? STICKY_COLORS[0] : fill,
        x: at.x - STICKY_SIZE / 2,
        y: at.y - STICKY_SIZE / 2,
        w: STICKY_SIZE,
        h: STICKY_SIZE,
      };
    }
    this.#value = '';
    editor.setState({ editing: { shape, isNew: true }, selection: [] });
  }

  /** Ends editing: creates, updates, or (for emptied text) deletes the shape. */
  commit(): void {
    const editor = this.#editor;
    const editing = editor.state.editing;
    if (!editing) return;
    const text = this.#value.trimEnd();
    const empty = text.trim().length === 0;
    editor.setState({ editing: null });
    if (editing.isNew) {
      if (empty) {
        editor.finishCreation([]);
        return;
      }
      const { id: _id, index: _index, ...draft } = editing.shape;
      const fields = { ...draft, text, ...fitText(draft, text, editor.measure) };
      const id = editor.action(() => editor.model.addShape(fields as NewShape));
      editor.finishCreation([id]);
      return;
    }
    const current = editor.store.get(editing.shape.id);
    if (!current || (current.type !== 'text' && current.type !== 'sticky')) return;
    if (empty) {
      editor.action(() => editor.model.deleteShapes([current.id]));
    } else if (text !== current.text) {
      const size = fitText(current, text, editor.measure);
      editor.action(() => editor.model.updateShape(current.id, { text, ...size }));
    }
  }
}
