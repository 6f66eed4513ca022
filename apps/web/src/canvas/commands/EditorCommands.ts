import {
  type Bounds,
  LIMITS,
  type NewShape,
  newShapeId,
  type Point,
  type PortableBinding,
  parseShapes,
  placeShapes,
  remapGroups,
  serializeShapes,
  shapesBounds,
  textField,
  unionBounds,
} from '@drawbridge/board';
import type { Editor } from '../Editor.js';
import { fitText } from '../textFit.js';
import type { Style } from '../types.js';
import { setStyle } from './styleCommands.js';

/**
 * The editor's discrete commands (buttons, shortcuts, clipboard, import). Each is one undo
 * step. Clipboard access itself is the app's business: these only turn text into shapes and
 * back.
 */
export class EditorCommands {
  readonly #editor: Editor;

  constructor(editor: Editor) {
    this.#editor = editor;
  }

  deleteSelection(): void {
    const editor = this.#editor;
    if (editor.readonly) return;
    const ids = [...editor.selection];
    if (ids.length === 0) return;
    editor.cancelGesture();
    editor.action(() => editor.model.deleteShapes(ids));
    editor.select([]);
  }

  duplicate(): void {
    const editor = this.#editor;
    if (editor.readonly) return;
    if (editor.selection.length === 0) return;
    editor.cancelGesture();
    const ids = editor.action(() => editor.model.duplicate(editor.selection));
    editor.select(ids);
  }

  bringToFront(): void {
    const editor = this.#editor;
    if (editor.readonly) return;
    if (editor.selection.length > 0) {
      editor.action(() => editor.model.bringToFront(editor.selection));
    }
  }

  sendToBack(): void {
    const editor = this.#editor;
    if (editor.readonly) return;
    if (editor.selection.length > 0) editor.action(() => editor.model.sendToBack(editor.selection));
  }

  /** Moves the selection by board units (arrow keys). */
  nudge(dx: number, dy: number): void {
    const editor = this.#editor;
    if (editor.readonly) return;
    if (editor.selection.length > 0) {
      editor.action(() => editor.model.moveShapes(editor.selection, dx, dy));
    }
  }

  /** The selection (with the bindings between its shapes) as clipboard text, or null. */
  copy(): string | null {
    const shapes = this.#editor.selectedShapes();
    return shapes.length > 0 ? serializeShapes(shapes, this.#editor.model.bindings()) : null;
  }

  /** Read-only boards cut nothing (copying is reading, and stays allowed). */
  cut(): string | null {
    if (this.#editor.readonly) return null;
    const text = this.copy();
    if (text) this.deleteSelection();
    return text;
  }

  /**
   * Pastes clipboard text: Drawbridge shapes land centred on the pointer (or the view); other
   * text becomes a text shape. Returns false when there was nothing to paste.
   */
  paste(text: string): boolean {
    const editor = this.#editor;
    if (editor.readonly) return false;
    const content = parseShapes(text);
    const at = editor.pointer ?? editor.camera.screenToBoard(editor.camera.center());
    if (content) {
      if (content.shapes.length === 0) return false;
      this.insert(content.shapes, at, content.bindings);
      return true;
    }
    const plain = text.trim().slice(0, LIMITS.textLength);
    if (!plain) return false;
    const { stroke, fontSize } = editor.state.style;
    const draft = { type: 'text' as const, w: 0, h: 0, fontSize };
    const size = fitText(draft, plain, editor.measure);
    this.insert(
      [{ ...draft, ...size, x: 0, y: 0, text: plain, stroke, fill: 'none', strokeWidth: 0 }],
      at,
    );
    return true;
  }

  /**
   * Adds shapes (and the bindings between them) as one undo step and selects them; centred
   * on `at` when given, else where they were (board files keep their layout). Pasted groups
   * become new groups.
   */
  insert(
    shapes: readonly NewShape[],
    at?: Point,
    bindings: readonly PortableBinding[] = [],
  ): string[] {
    const editor = this.#editor;
    if (shapes.length === 0 || editor.readonly) return [];
    let placed = remapGroups(shapes, newShapeId);
    if (at) {
      const box = unionBounds(shapes.map((s) => ({ x: s.x, y: s.y, w: s.w, h: s.h })));
      if (box) placed = placeShapes(placed, { x: at.x - box.w / 2, y: at.y - box.h / 2 });
    }
    editor.cancelGesture();
    editor.text.commit();
    const ids = editor.action(() =>
      editor.model.transact(() => {
        const added = editor.model.addShapes(placed);
        for (const b of bindings) {
          const arrowId = added[b.arrow];
          const shapeId = added[b.shape];
          if (arrowId && shapeId) {
            editor.model.bind({ arrowId, terminal: b.terminal, shapeId, anchor: b.anchor });
          }
        }
        return added;
      }, []),
    );
    if (editor.state.tool !== 'select') editor.setTool('select');
    editor.setState({ focus: [] });
    editor.select(ids);
    return ids;
  }

  /** Sets the style for new shapes and applies it to the selection. */
  setStyle(patch: Partial<Style>): void {
    setStyle(this.#editor, patch);
  }

  /** Zooms in, anchored at `anchor` (screen) or the view's centre. */
  zoomIn(anchor?: Point): void {
    this.#editor.camera.zoomStep(1, anchor);
  }

  zoomOut(anchor?: Point): void {
    this.#editor.camera.zoomStep(-1, anchor);
  }

  resetZoom(): void {
    this.#editor.camera.zoomAt(1);
  }

  /** Fits every shape in view (or goes back to the origin on an empty board). */
  zoomToFit(): void {
    const { camera, store } = this.#editor;
    const bounds = shapesBounds(store.all());
    if (bounds) camera.fit(bounds);
    else camera.setView(0, 0, 1);
  }

  /** Brings `area` into view (Find's matches). */
  zoomTo(area: Bounds): void {
    this.#editor.camera.fit(area, 96);
  }

  /** Enter: edit the selected shape's text or label. */
  editSelected(): boolean {
    const editor = this.#editor;
    if (editor.readonly) return false;
    const [only] = editor.selectedShapes();
    if (editor.selection.length !== 1 || !only || !textField(only)) return false;
    editor.text.edit(only.id);
    return true;
  }
}
