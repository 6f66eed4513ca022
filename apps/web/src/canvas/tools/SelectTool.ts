import {
  type ArrowShape,
  type Bounds,
  boundsFromCorners,
  type LineShape,
  type Point,
  type Shape,
} from '@drawbridge/board';
import type { Editor } from '../Editor.js';
import {
  HANDLE_CURSORS,
  type HandleId,
  handleAt,
  handlePoint,
  selectionFrame,
  selectionHandles,
  shapesBox,
} from '../handles.js';
import {
  scaleFromHandle,
  scaleShape,
  segmentEnds,
  segmentFields,
  snapAngle,
} from '../transform.js';
import type { PointerInput } from '../types.js';
import type { Tool } from './Tool.js';

/** Screen pixels a press must travel before it becomes a drag. */
const DRAG_THRESHOLD_PX = 3;

type Drag =
  | { kind: 'none' }
  /** Pressed on the selection: a move if the pointer travels, a click otherwise. */
  | { kind: 'press'; start: Point; hitId: string | null; narrow: boolean }
  | { kind: 'move'; start: Point; originals: Shape[] }
  | { kind: 'marquee'; start: Point; base: readonly string[] }
  | {
      kind: 'resize';
      handle: HandleId;
      box: Bounds;
      /** Pointer minus the box's handle at the press, so grabbing a handle does not jump. */
      offset: Point;
      originals: Shape[];
      allText: boolean;
    }
  | { kind: 'endpoint'; which: 'start' | 'end'; original: LineShape | ArrowShape };

const round = (n: number): number => Math.round(n * 100) / 100;

/** Click, Shift-click and marquee selection; moving; resizing by handles; line end points. */
export class SelectTool implements Tool {
  readonly id = 'select' as const;
  readonly #editor: Editor;
  #drag: Drag = { kind: 'none' };
  #hoverCursor = 'default';

  constructor(editor: Editor) {
    this.#editor = editor;
  }

  get cursor(): string {
    switch (this.#drag.kind) {
      case 'move':
        return 'move';
      case 'resize':
        return HANDLE_CURSORS[this.#drag.handle];
      case 'endpoint':
        return 'crosshair';
      default:
        return this.#hoverCursor;
    }
  }

  down(input: PointerInput): void {
    if (input.button !== 0) return;
    const editor = this.#editor;
    const zoom = editor.camera.zoom;
    const selected = editor.selectedShapes();
    // A read-only board has no handles: shapes can be selected, never moved or resized.
    const handle = editor.readonly ? null : handleAt(selectionHandles(selected, zoom), input, zoom);
    if (handle) {
      editor.beginGesture();
      const only = selected[0];
      if ((handle.id === 'start' || handle.id === 'end') && only && 'points' in only) {
        this.#drag = { kind: 'endpoint', which: handle.id, original: only as LineShape };
      } else {
        const box = shapesBox(selected);
        if (!box) return;
        const allText = selected.every((s) => s.type === 'text');
        const corner = handlePoint(box, handle.id);
        const offset = { x: input.x - corner.x, y: input.y - corner.y };
        this.#drag = {
          kind: 'resize',
          handle: handle.id,
          box,
          offset,
          originals: selected,
          allText,
        };
      }
      return;
    }
    const hitId = editor.hitTest(input);
    const selection = editor.selection;
    if (hitId) {
      if (input.shiftKey) {
        if (selection.includes(hitId)) {
          editor.select(selection.filter((id) => id !== hitId));
          return;
        }
        editor.select([...selection, hitId]);
        this.#drag = { kind: 'press', start: input, hitId, narrow: false };
        return;
      }
      const alreadySelected = selection.includes(hitId);
      if (!alreadySelected) editor.select([hitId]);
      this.#drag = { kind: 'press', start: input, hitId, narrow: alreadySelected };
      return;
    }
    if (!input.shiftKey && this.#insideSelection(input)) {
      this.#drag = { kind: 'press', start: input, hitId: null, narrow: false };
      return;
    }
    const base = input.shiftKey ? [...selection] : [];
    if (!input.shiftKey) editor.select([]);
    this.#drag = { kind: 'marquee', start: input, base };
  }

  move(input: PointerInput): void {
    const editor = this.#editor;
    const drag = this.#drag;
    switch (drag.kind) {
      case 'none':
        this.#hover(input);
        return;
      case 'press': {
        if (editor.readonly) return;
        const distance = Math.hypot(input.x - drag.start.x, input.y - drag.start.y);
        if (distance * editor.camera.zoom < DRAG_THRESHOLD_PX) return;
        editor.beginGesture();
        editor.setHover(null);
        this.#drag = { kind: 'move', start: drag.start, originals: editor.selectedShapes() };
        this.move(input);
        return;
      }
      case 'move': {
        const dx = round(input.x - drag.start.x);
        const dy = round(input.y - drag.start.y);
        for (const shape of drag.originals) {
          editor.live.set(shape, { x: round(shape.x + dx), y: round(shape.y + dy) });
        }
        return;
      }
      case 'marquee': {
        const box = boundsFromCorners(drag.start, input);
        editor.marquee = box;
        editor.select([...drag.base, ...editor.shapesInside(box)]);
        editor.invalidate();
        return;
      }
      case 'resize': {
        const keepAspect = input.shiftKey || drag.allText;
        const p = { x: input.x - drag.offset.x, y: input.y - drag.offset.y };
        const t = scaleFromHandle(drag.box, drag.handle, p, keepAspect);
        for (const shape of drag.originals) {
          editor.live.set(shape, scaleShape(shape, t, editor.measure));
        }
        return;
      }
      case 'endpoint': {
        const [start, end] = segmentEnds(drag.original);
        const fixed = drag.which === 'start' ? end : start;
        const moved = input.shiftKey ? snapAngle(fixed, input) : { x: input.x, y: input.y };
        const fields =
          drag.which === 'start' ? segmentFields(moved, fixed) : segmentFields(fixed, moved);
        editor.live.set(drag.original, fields);
        return;
      }
    }
  }

  up(input: PointerInput): void {
    const editor = this.#editor;
    const drag = this.#drag;
    if (drag.kind !== 'none' && drag.kind !== 'press') this.move(input);
    this.#drag = { kind: 'none' };
    switch (drag.kind) {
      case 'press':
        // A click (no drag) on one shape of a multiple selection selects just that shape.
        if (drag.narrow && drag.hitId && editor.selection.length > 1) editor.select([drag.hitId]);
        return;
      case 'marquee':
        editor.marquee = null;
        editor.invalidate();
        return;
      case 'move':
      case 'resize':
      case 'endpoint':
        editor.endGesture();
        return;
    }
  }

  cancel(): void {
    const editor = this.#editor;
    const kind = this.#drag.kind;
    this.#drag = { kind: 'none' };
    if (kind === 'marquee') {
      editor.marquee = null;
      editor.invalidate();
    } else if (kind === 'move' || kind === 'resize' || kind === 'endpoint') {
      editor.endGesture();
    }
  }

  #insideSelection(p: Point): boolean {
    const editor = this.#editor;
    const frame = selectionFrame(editor.selectedShapes(), editor.camera.zoom);
    if (!frame) return false;
    return p.x >= frame.x && p.x <= frame.x + frame.w && p.y >= frame.y && p.y <= frame.y + frame.h;
  }

  #hover(p: Point): void {
    const editor = this.#editor;
    const zoom = editor.camera.zoom;
    const handles = editor.readonly ? [] : selectionHandles(editor.selectedShapes(), zoom);
    const handle = handleAt(handles, p, zoom);
    if (handle) {
      this.#hoverCursor = HANDLE_CURSORS[handle.id];
      editor.setHover(null);
      return;
    }
    const hit = editor.hitTest(p);
    editor.setHover(hit && !editor.selection.includes(hit) ? hit : null);
    const movable = !editor.readonly && (hit || this.#insideSelection(p));
    this.#hoverCursor = movable ? 'move' : hit ? 'pointer' : 'default';
  }
}
