import {
  LIMITS,
  type NewShape,
  type Point,
  parseShapes,
  placeShapes,
  type Shape,
  STICKY_COLORS,
  serializeShapes,
  shapesBounds,
  unionBounds,
} from '@drawbridge/board';
import type { Editor } from './Editor.js';
import { fitText } from './textFit.js';
import type { Style } from './types.js';

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

  /** The selection as clipboard text, or null when nothing is selected. */
  copy(): string | null {
    const shapes = this.#editor.selectedShapes();
    return shapes.length > 0 ? serializeShapes(shapes) : null;
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
    const shapes = parseShapes(text);
    const at = editor.pointer ?? editor.camera.screenToBoard(editor.camera.center());
    if (shapes) {
      if (shapes.length === 0) return false;
      this.insert(shapes, at);
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
   * Adds shapes as one undo step and selects them; centred on `at` when given, else where
   * they were (board files keep their layout).
   */
  insert(shapes: readonly NewShape[], at?: Point): string[] {
    const editor = this.#editor;
    if (shapes.length === 0 || editor.readonly) return [];
    let placed = shapes;
    if (at) {
      const box = unionBounds(shapes.map((s) => ({ x: s.x, y: s.y, w: s.w, h: s.h })));
      if (box) placed = placeShapes(shapes, { x: at.x - box.w / 2, y: at.y - box.h / 2 });
    }
    editor.cancelGesture();
    editor.text.commit();
    const ids = editor.action(() => editor.model.addShapes(placed));
    if (editor.state.tool !== 'select') editor.setTool('select');
    editor.select(ids);
    return ids;
  }

  /** Sets the style for new shapes and applies it to the selection. */
  setStyle(patch: Partial<Style>): void {
    const editor = this.#editor;
    if (editor.readonly) return;
    editor.setStyleState({ ...editor.state.style, ...patch });
    const shapes = editor.selectedShapes();
    if (shapes.length === 0) return;
    editor.action(() =>
      editor.model.transact(() => {
        for (const shape of shapes) {
          const fields = stylePatch(shape, patch, editor.measure);
          if (Object.keys(fields).length > 0) editor.model.updateShape(shape.id, fields);
        }
      }),
    );
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
    else {
      camera.zoom = 1;
      camera.x = 0;
      camera.y = 0;
      camera.onChange();
    }
  }

  /** Enter: edit the selected text or sticky. */
  editSelected(): boolean {
    const editor = this.#editor;
    if (editor.readonly) return false;
    const [only] = editor.selectedShapes();
    if (editor.selection.length !== 1 || !only) return false;
    if (only.type !== 'text' && only.type !== 'sticky') return false;
    editor.text.edit(only.id);
    return true;
  }
}

/** The style fields that mean something for this shape type. */
function stylePatch(
  shape: Shape,
  patch: Partial<Style>,
  measure: Editor['measure'],
): Partial<Shape> {
  const out: Record<string, unknown> = {};
  if (patch.stroke !== undefined) out.stroke = patch.stroke;
  if (patch.fill !== undefined) {
    if (shape.type === 'rect' || shape.type === 'ellipse') out.fill = patch.fill;
    if (shape.type === 'sticky') out.fill = patch.fill === 'none' ? STICKY_COLORS[0] : patch.fill;
  }
  if (patch.strokeWidth !== undefined && shape.type !== 'text' && shape.type !== 'sticky') {
    out.strokeWidth = patch.strokeWidth;
  }
  if (patch.fontSize !== undefined && (shape.type === 'text' || shape.type === 'sticky')) {
    out.fontSize = patch.fontSize;
    Object.assign(out, fitText({ ...shape, fontSize: patch.fontSize }, shape.text, measure));
  }
  return out as Partial<Shape>;
}
