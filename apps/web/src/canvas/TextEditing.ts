import {
  applyTextDiff,
  LIMITS,
  LINE_HEIGHT,
  type NewShape,
  type Point,
  type Shape,
  STICKY_COLORS,
  type StickyShape,
  shapeText,
  type TextShape,
  textField,
} from '@drawbridge/board';
import type * as Y from 'yjs';
import type { Editor } from './Editor.js';
import { fitText, STICKY_SIZE } from './textFit.js';

/** A pause in typing this long starts a new undo step. */
export const TYPING_PAUSE_MS = 1000;

/**
 * In-place text editing. Existing text (a text, a note, a box's or arrow's label) is edited
 * live in its Y.Text: every keystroke is the smallest edit, so two people typing in one note
 * both keep theirs, and undo covers typing in steps split at pauses. A new text or note is a
 * draft until it is committed, so an abandoned empty one never reaches anyone's screen.
 */
export class TextEditing {
  readonly #editor: Editor;
  #draft = '';
  #lastInput = Number.NEGATIVE_INFINITY;

  constructor(editor: Editor) {
    this.#editor = editor;
  }

  /** The text in the editor now. */
  get value(): string {
    const editing = this.#editor.state.editing;
    if (!editing) return '';
    if (editing.isNew) return this.#draft;
    const shape = this.#editor.store.get(editing.shapeId);
    return shape ? shapeText(shape) : '';
  }

  /** The Y.Text being edited, once it exists (an old board's string becomes one on input). */
  yText(): Y.Text | null {
    const editing = this.#editor.state.editing;
    if (!editing || editing.isNew) return null;
    const value = this.#editor.model.shapeMaps.get(editing.shapeId)?.get(editing.field);
    return value && typeof value === 'object' && 'toDelta' in value ? (value as Y.Text) : null;
  }

  /** The shape being edited as shown: the draft, or the board's. */
  shape(): Shape | null {
    const editing = this.#editor.state.editing;
    if (!editing) return null;
    return editing.draft ?? this.#editor.store.get(editing.shapeId) ?? null;
  }

  /** Opens the editor on a shape's text or label. */
  edit(id: string): void {
    const editor = this.#editor;
    if (editor.readonly) return;
    const shape = editor.store.get(id);
    const field = shape ? textField(shape) : null;
    if (!shape || !field) return;
    if (editor.state.editing?.shapeId === id) return;
    this.commit();
    editor.cancelGesture();
    editor.model.stopCapturing();
    this.#lastInput = Number.NEGATIVE_INFINITY;
    editor.setState({
      editing: { shapeId: id, field, draft: null, isNew: false },
      selection: [id],
    });
  }

  /** Starts a new text (its first line centred on `at`) or sticky (centred on `at`). */
  draft(type: 'text' | 'sticky', at: Point): void {
    const editor = this.#editor;
    if (editor.readonly) return;
    this.commit();
    const { stroke, fill, fontSize, opacity, textAlign } = editor.state.style;
    const base = {
      id: 'draft',
      index: 'a0',
      stroke,
      strokeWidth: 0,
      fontSize,
      text: '',
      textAlign,
      rotation: 0,
      opacity,
      dash: 'solid' as const,
      locked: false,
      groupIds: [],
    };
    let shape: TextShape | StickyShape;
    if (type === 'text') {
      const lineHeight = fontSize * LINE_HEIGHT;
      const pos = { x: at.x, y: at.y - lineHeight / 2, w: fontSize / 2, h: lineHeight };
      shape = { ...base, type, fill: 'none', ...pos };
    } else {
      const half = STICKY_SIZE / 2;
      const pos = { x: at.x - half, y: at.y - half, w: STICKY_SIZE, h: STICKY_SIZE };
      shape = { ...base, type, fill: fill === 'none' ? STICKY_COLORS[0] : fill, ...pos };
    }
    this.#draft = '';
    editor.setState({
      editing: { shapeId: 'draft', field: 'text', draft: shape, isNew: true },
      selection: [],
    });
  }

  /**
   * The editor's text changed to `value` (the textarea reports every change); `cursor`, the
   * caret after the change, says where the edit was made when the text alone is ambiguous.
   */
  input(value: string, cursor?: number): void {
    const editor = this.#editor;
    const editing = editor.state.editing;
    if (!editing) return;
    const next = value.slice(0, LIMITS.textLength);
    if (editing.isNew) {
      this.#draft = next;
      editor.invalidate();
      return;
    }
    const { model } = editor;
    const now = editor.now();
    if (now - this.#lastInput > TYPING_PAUSE_MS) model.stopCapturing();
    this.#lastInput = now;
    model.transact(() => {
      const text = model.editableText(editing.shapeId, editing.field);
      if (!text) return;
      const before = text.toString();
      if (before !== next) {
        applyTextDiff(
          text,
          before,
          next,
          cursor === undefined ? undefined : Math.min(cursor, next.length),
        );
      }
      const shape = model.getStoredShape(editing.shapeId);
      if (shape?.type === 'text' || shape?.type === 'sticky') {
        model.updateShape(shape.id, fitText(shape, next, editor.measure));
      }
    });
  }

  /** Same as `input`; the name the tests and older callers use. */
  setValue(value: string): void {
    this.input(value);
  }

  /** Ends editing: creates the draft, or deletes a text or note emptied of everything. */
  commit(): void {
    const editor = this.#editor;
    const editing = editor.state.editing;
    if (!editing) return;
    editor.setState({ editing: null });
    if (editing.isNew && editing.draft) {
      const text = this.#draft.trimEnd();
      this.#draft = '';
      if (text.trim().length === 0) {
        editor.finishCreation([]);
        return;
      }
      const { id: _id, index: _index, ...draft } = editing.draft;
      const fields = { ...draft, text, ...fitText(draft, text, editor.measure) };
      const id = editor.action(() => editor.model.addShape(fields as NewShape));
      editor.finishCreation([id]);
      return;
    }
    const current = editor.store.get(editing.shapeId);
    if ((current?.type === 'text' || current?.type === 'sticky') && !current.text.trim()) {
      // Emptying a text or note removes it, in the same undo step as the emptying.
      editor.model.deleteShapes([current.id]);
    }
    editor.model.stopCapturing();
  }
}
